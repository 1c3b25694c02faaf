#ifndef DATAFI_CSODIUM_SHIM_H
#define DATAFI_CSODIUM_SHIM_H
#include <sodium.h>
#endif
