// Bare GMP and libsodium, so each benchmark can time the native call beside DataFi's wrapper.
#include <gmp.h>
#include <sodium.h>
