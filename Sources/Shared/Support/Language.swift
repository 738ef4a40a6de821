import Foundation

/// The two languages every user-facing message exists in.
///
/// Shared only carries both texts; the command-line tools decide which one a person sees.
public enum Language: Sendable, Equatable {
    case english
    case chinese

    /// The language of this process's locale.
    public static var current: Language { fromEnvironment(ProcessInfo.processInfo.environment) }

    /// Chinese when the POSIX locale variables name a Chinese locale (`LC_ALL`, then `LC_MESSAGES`,
    /// then `LANG`, as the C library reads them), English otherwise.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        return locale?.lowercased().hasPrefix("zh") == true ? .chinese : .english
    }
}

/// One sentence in English and in Simplified Chinese.
public struct LocalizedText: Sendable, Equatable, CustomStringConvertible {
    public let english: String
    public let chinese: String

    public init(_ english: String, zh chinese: String) {
        self.english = english
        self.chinese = chinese
    }

    public func text(in language: Language) -> String {
        language == .chinese ? chinese : english
    }

    public var description: String { english }
}
