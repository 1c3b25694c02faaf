import ArgumentParser

// Placeholder until this area lands.
struct DPCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "dp") }
