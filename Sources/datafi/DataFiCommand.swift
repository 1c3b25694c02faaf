import ArgumentParser

struct DataFiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datafi",
        abstract: "DataFi: a decentralized data exchange toolkit.",
        discussion: "Exit codes: 0 success or valid, 1 a negative verdict (does not verify), 2 malformed input or usage, 3 an output or file that could not be written or read.",
        version: "0.2.0",
        subcommands: [
            DemoCommand.self,
            KeysCommand.self, SignCommand.self, VerifyCommand.self,
            SealCommand.self, OpenCommand.self, HashCommand.self,
            AMMCommand.self,
            ZKCommand.self, PSICommand.self, RiskCommand.self,
            ScoreCommand.self, RankCommand.self, EmbedCommand.self,
            DPCommand.self,
            MarketCommand.self,
            LedgerCommand.self, NodeCommand.self,
            SecAggCommand.self, AnalyticsCommand.self, OwnerCommand.self, FedCommand.self,
            WalletCommand.self, ConsentCommand.self, CredentialCommand.self,
            PaillierCommand.self, PJCCommand.self,
        ])
}
