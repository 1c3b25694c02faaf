import ArgumentParser

// Placeholder until this area lands.
struct ZKCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "zk") }
struct PSICommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "psi") }
struct RiskCommand: ParsableCommand { static let configuration = CommandConfiguration(commandName: "risk") }
