// The umbrella module: `import DataFi` brings in every public DataFi module.
@_exported import DataFiAMM
@_exported import DataFiBigNum
@_exported import DataFiCredit
@_exported import DataFiJointRisk
@_exported import DataFiMarket
@_exported import DataFiPSI
@_exported import DataFiPaillier
@_exported import DataFiPerson2Vec
@_exported import DataFiPrivacy
@_exported import DataFiRistretto
@_exported import DataFiSodium
@_exported import DataFiSupport
@_exported import DataFiZK
@_exported import DataFiZhangRank
