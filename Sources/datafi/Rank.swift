import ArgumentParser

// Placeholder until this area lands.
struct RankCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "rank") }
struct EmbedCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "embed") }
