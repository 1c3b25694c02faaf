import ArgumentParser

// Placeholder until this area lands.
struct ScoreCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "score") }
