// `import DataFiCredit` brings in the whole credit-scoring family; each part is also a module of its own.
@_exported import DataFiCreditData
@_exported import DataFiCreditMetrics
@_exported import DataFiDPSGD
@_exported import DataFiLogisticRegression
@_exported import DataFiScorePlus
@_exported import DataFiScorecard
