#!/usr/bin/env python3
"""Interoperability of DataFi's Paillier with python-paillier (phe).

Reads one JSON object on stdin:
  {"n": "...", "p": "...", "q": "...",          # a DataFi private key (decimal strings)
   "ours": [{"m": "...", "c": "..."}, ...],     # DataFi ciphertexts of integers m
   "encrypt": ["...", ...]}                     # integers phe should encrypt
and prints {"decrypted": [...], "phe": [{"m": ..., "c": ...}], "phe_sum": "..."}:
  decrypted  phe's decryption of each DataFi ciphertext (signed, phe's encoding),
  phe        phe's ciphertexts (EncryptedNumber.ciphertext(), exponent 0) of the requested integers,
  phe_sum    phe's homomorphic sum of all DataFi ciphertexts, for DataFi to decrypt.
Needs `phe` (and gmpy2 for speed): sh Benchmarks/peers/paillier_venv.sh creates a venv with both.
"""
import json
import sys

import phe


def main():
    doc = json.load(sys.stdin)
    n, p, q = int(doc["n"]), int(doc["p"]), int(doc["q"])
    public = phe.PaillierPublicKey(n)
    private = phe.PaillierPrivateKey(public, p, q)
    ours = [phe.EncryptedNumber(public, int(item["c"]), 0) for item in doc["ours"]]
    decrypted = [str(private.decrypt(c)) for c in ours]
    produced = [{"m": m, "c": str(public.encrypt(int(m)).ciphertext())} for m in doc["encrypt"]]
    total = ours[0]
    for c in ours[1:]:
        total = total + c
    json.dump({"decrypted": decrypted, "phe": produced, "phe_sum": str(total.ciphertext())}, sys.stdout)


if __name__ == "__main__":
    main()
