public import ArgumentParser
import Foundation
public import Shared

extension AsyncParsableCommand {
    /// Runs the command line with the project's exit codes: 0 ok, 1 failure, 2 usage, and one
    /// sentence on stderr in the person's language.
    ///
    /// Both tools start here, so a refusal reads the same whether it comes from the county's
    /// daemon or a village laptop.
    public static func runWithExitCodes() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any ExplainedError {
            Console.error(error.message)
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            if code == .validationFailure {
                Console.error(
                    LocalizedText("Usage error: \(fullMessage(for: error))", zh: "命令用法有误：\(fullMessage(for: error))")
                )
                Foundation.exit(2)
            }
            if error is ExitCode { exit(withError: error) }
            Console.error(LocalizedText("The command failed: \(error)", zh: "命令执行失败：\(error)"))
            Foundation.exit(1)
        }
    }
}
