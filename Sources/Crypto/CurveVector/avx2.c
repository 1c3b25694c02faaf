#include "fe51.h"
#if defined(__x86_64__)
void cv_avx2_scalarmult(cv_fe51 out[4], const uint8_t n[32], const cv_fe51 in[4]) {
    (void)out; (void)n; (void)in;
}
#endif
