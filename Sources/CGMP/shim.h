#ifndef DATAFI_CGMP_SHIM_H
#define DATAFI_CGMP_SHIM_H
#include <gmp.h>

// GMP implements these as function-like macros, which Swift cannot call.
static inline int datafi_mpz_sgn(const mpz_t z) { return mpz_sgn(z); }
static inline int datafi_mpz_odd_p(const mpz_t z) { return mpz_odd_p(z); }
static inline size_t datafi_mpz_limbs(const mpz_t z) { return mpz_size(z); }

#endif
