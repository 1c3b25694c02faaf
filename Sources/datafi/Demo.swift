import ArgumentParser

// Placeholder until this area lands.
struct DemoCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "demo") }
