import ArgumentParser

@main
struct DataFiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datafi",
        abstract: "DataFi: a decentralized data exchange toolkit.",
        subcommands: [
            DemoCommand.self,
            KeysCommand.self, SignCommand.self, VerifyCommand.self,
            SealCommand.self, OpenCommand.self, HashCommand.self,
            AMMCommand.self,
            ZKCommand.self, PSICommand.self, RiskCommand.self,
            ScoreCommand.self, RankCommand.self, EmbedCommand.self,
            DPCommand.self,
        ])
}
