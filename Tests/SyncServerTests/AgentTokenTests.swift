import Testing

@testable import GridSyncServer

/// Tokens are typed into command lines: they must never look like an option.
@Suite struct AgentTokenTests {
    @Test func tokensAreDistinctAndNeverStartWithADash() {
        let tokens = (0..<2_000).map { _ in AgentToken.make() }
        #expect(Set(tokens).count == tokens.count)
        for token in tokens {
            #expect(token.hasPrefix("gs_"))
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }
}
