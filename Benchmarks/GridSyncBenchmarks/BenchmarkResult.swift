import Foundation

/// One benchmark's figures, printed for the console and appended to the benchmark record with the machine.
public struct BenchmarkResult {
    public let name: String
    public let figures: [(String, String)]

    public init(name: String, figures: [(String, String)]) {
        self.name = name
        self.figures = figures
    }

    public var text: String {
        figures.map { "  \($0.0): \($0.1)" }.joined(separator: "\n")
    }

    /// Appends a dated section with the machine's processor, cores and memory to a Markdown file.
    public func append(to path: String) throws {
        let lines =
            ["", "### \(name), \(Self.today)", "", "Machine: \(Self.machine)", ""]
            + ["| figure | value |", "|---|---|"] + figures.map { "| \($0.0) | \($0.1) |" }
        let text = lines.joined(separator: "\n") + "\n"
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try handle.close()
        } else {
            try Data(("# Benchmarks\n" + text).utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    static var today: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }

    /// The processor model, core count and memory, read from /proc on Linux.
    static var machine: String {
        let cpu =
            (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces) ?? "unknown processor"
        let memory = ProcessInfo.processInfo.physicalMemory / (1 << 30)
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(memory) GiB, Swift release build"
    }
}
