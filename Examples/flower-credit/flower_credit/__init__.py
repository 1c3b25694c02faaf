"""FedAvg over `coefficients` and `intercept`, trained by DataFi's Swift SuperNodes."""
