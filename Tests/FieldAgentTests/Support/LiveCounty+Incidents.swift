import Foundation
import GridSyncTestSupport
import Shared
import Testing

/// Incidents end to end (issue 5): a county with a department and the 2026 calendar, and the
/// commands that report, act on and supervise incidents, read back as the JSON they print.
extension LiveCounty {
    /// The department added to ``gridCSV``'s county: level 1 under the county, kind `department`.
    static let departmentCSV = """
        id,parent_id,level,name,kind
        c-dept,c,1,农业农村局,department
        """

    /// The repository's calendar file, as `sync-server calendar import` reads it.
    static var calendarFile: URL { BuiltBinary.packageRoot.appendingPathComponent("config/calendar-2026.txt") }

    /// The same calendar, parsed here to compute the deadlines the tools should show.
    static func workCalendar() throws -> WorkCalendar {
        try WorkCalendar(parsing: String(contentsOf: calendarFile, encoding: .utf8))
    }

    /// ``with(_:)`` with the department imported (`grids import` of a file holding only the new
    /// node) and the calendar loaded, both before any agent enrolls, so every snapshot has them.
    static func withIncidents(_ body: (LiveCounty) async throws -> Void) async throws {
        try await with { county in
            try county.prepareForIncidents()
            try await body(county)
        }
    }

    func prepareForIncidents(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let csv = folder.appendingPathComponent("department.csv")
        try Self.departmentCSV.write(to: csv, atomically: true, encoding: .utf8)
        let imported = try serverCommand(["grids", "import", csv.path])
        try #require(
            imported.status == 0,
            "grids import of the department: \(imported.stderr)",
            sourceLocation: sourceLocation
        )
        let calendar = try serverCommand(["calendar", "import", Self.calendarFile.path])
        try #require(calendar.status == 0, "calendar import: \(calendar.stderr)", sourceLocation: sourceLocation)
    }

    /// `sync-server escalate [--as-of DATE]`, which must exit 0.
    func escalate(
        asOf date: CalendarDate? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws
        -> BuiltBinary.CommandResult
    {
        let result = try serverCommand(["escalate"] + (date.map { ["--as-of", "\($0)"] } ?? []))
        try #require(result.status == 0, "sync-server escalate: \(result.stderr)", sourceLocation: sourceLocation)
        return result
    }

    /// `sync-server incidents list --json` with `filters`.
    func supervisedIncidents(
        _ filters: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [SupervisedIncidentJSON] {
        let listed = try serverCommand(["incidents", "list", "--json"] + filters)
        try #require(
            listed.status == 0,
            "sync-server incidents list \(filters.joined(separator: " ")): \(listed.stderr)",
            sourceLocation: sourceLocation
        )
        return try JSONDecoder().decode([SupervisedIncidentJSON].self, from: Data(listed.stdout.utf8))
    }

    /// One entry of `sync-server incidents list --json`.
    struct SupervisedIncidentJSON: Decodable {
        let id: String
        let registryNumber: String?
        let gridId: String
        let category: String
        let status: String
        let responsibleNode: String
        let level: Int
        let dueDate: String?
        let light: String?
        let cards: [String]
    }
}

extension AgentDir {
    /// `incident report`; returns the new id, printed alone on the last line.
    func reportIncident(
        grid: String,
        category: String = "dispute",
        summary: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let reported = try succeed(
            ["incident", "report", "--grid", grid, "--category", category, "--summary", summary],
            sourceLocation: sourceLocation
        )
        let id = reported.lastLine
        try #require(RecordID.isValid(id), "incident report printed \(reported.stdout)", sourceLocation: sourceLocation)
        return id
    }

    /// `incident act ID --action ACTION …`, which must succeed.
    func act(
        _ id: String,
        _ action: String,
        _ options: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        try succeed(["incident", "act", id, "--action", action] + options, sourceLocation: sourceLocation)
    }

    /// `incident show ID --json`.
    func incident(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> IncidentRecordJSON {
        let shown = try succeed(["incident", "show", id, "--json"], sourceLocation: sourceLocation)
        return try JSONDecoder().decode(IncidentRecordJSON.self, from: Data(shown.stdout.utf8))
    }

    /// The folded incident of `incident show ID --json`, which must be there.
    func incidentState(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> IncidentJSON {
        try #require(try incident(id, sourceLocation: sourceLocation).incident, sourceLocation: sourceLocation)
    }

    /// `incident list --json` with `flags` (`--open`, `--overdue`).
    func incidents(
        _ flags: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws
        -> [IncidentRecordJSON]
    {
        let listed = try succeed(["incident", "list", "--json"] + flags, sourceLocation: sourceLocation)
        return try JSONDecoder().decode([IncidentRecordJSON].self, from: Data(listed.stdout.utf8))
    }

    /// An incident record as `incident show --json` and `incident list --json` print it.
    struct IncidentRecordJSON: Decodable {
        let type: String
        let id: String
        let gridId: String
        let fields: [String: FieldValue]
        let deleted: Bool
        let incident: IncidentJSON?
    }

    /// The folded incident: status, registry number, who holds it, deadline, cards, history.
    struct IncidentJSON: Decodable, Equatable {
        let status: String
        let registryNumber: String?
        let responsibleNode: String
        let dueDate: String?
        let light: String?
        let cards: [String]
        let satisfaction: String?
        let history: [Step]

        struct Step: Decodable, Equatable {
            let action: String
            let node: String?
            let target: String?
            let note: String?
            let replica: UInt32
            let at: UInt64
            let from: String
            let to: String
            let accepted: Bool
            let due: String?

            /// The step without the deadline a viewer computes for it: what every replica must agree on.
            var event: String {
                "\(action) node=\(node ?? "-") target=\(target ?? "-") note=\(note ?? "-") replica=\(replica) at=\(at) \(from)→\(to) accepted=\(accepted)"
            }
        }

        var actions: [String] { history.map(\.action) }
        var replicas: [UInt32] { history.map(\.replica) }
    }
}
