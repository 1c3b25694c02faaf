import ArgumentParser

// Placeholder until this area lands.
struct AMMCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "amm") }
