#!/usr/bin/env python3
"""Person2Vec (datafi embed) vs gensim Word2Vec(sg=1, hs=0, negative=5, workers=1).

Runs the release `datafi` binary (build first: swift build -c release --product datafi) and gensim
on the same corpora with the same settings, in one run, and prints:
  1. Single-thread training speed in words/second: corpus words × epochs / seconds spent training
     (ours: the training loop as printed by `datafi embed`; gensim: the `train()` call, both with its
     in-memory `sentences` and with `corpus_file`). Runs alternate; the best of each is reported.
  2. Neighbour quality on a planted-cluster corpus: the fraction of each token's top-10 cosine
     neighbours that belong to its cluster, averaged over seeds; same scoring code for both.

Usage: python3 Benchmarks/peers/person2vec_peers.py [--runs R] [--bin PATH]
"""
import argparse
import os
import random
import re
import subprocess
import tempfile
import time

import numpy as np
from gensim.models import Word2Vec

SETTINGS = dict(dim=100, window=5, negative=5, epochs=5, min_count=1, sample=1e-3, alpha=0.025)


def write_corpus(path, sequences):
    with open(path, "w") as f:
        for seq in sequences:
            f.write(" ".join(seq) + "\n")


def speed_corpus(rng, sequences=15_000, length=40, clusters=20, per_cluster=500):
    """Zipf-distributed tokens within clusters: 10,000 distinct tokens, 600,000 words."""
    weights = [1.0 / (i + 1) for i in range(per_cluster)]
    out = []
    for _ in range(sequences):
        k = rng.randrange(clusters)
        out.append([f"c{k}_{t}" for t in rng.choices(range(per_cluster), weights=weights, k=length)])
    return out


def planted_corpus(rng, sequences=5_000, length=20, clusters=10, per_cluster=50, signal=0.5):
    """Each sequence has a cluster; each token is from it with probability `signal`, else uniform."""
    out = []
    for _ in range(sequences):
        k = rng.randrange(clusters)
        seq = []
        for _ in range(length):
            c = k if rng.random() < signal else rng.randrange(clusters)
            seq.append(f"c{c}_{rng.randrange(per_cluster)}")
        out.append(seq)
    return out


def read_word2vec_text(path):
    with open(path) as f:
        count, dim = map(int, f.readline().split())
        words, rows = [], []
        for line in f:
            parts = line.split()
            if not parts:
                continue
            words.append(parts[0])
            rows.append([float(x) for x in parts[1:]])
    assert len(words) == count and all(len(r) == dim for r in rows)
    return words, np.array(rows, dtype=np.float64)


def purity(words, vectors, k=10):
    """Fraction of top-k cosine neighbours (self excluded) in the same cluster."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -np.inf)
    top = np.argsort(-sims, axis=1)[:, :k]
    cluster = np.array([w.split("_")[0] for w in words])
    return float((cluster[top] == cluster[:, None]).mean())


def run_ours(binary, corpus_path, out_path, seed):
    s = SETTINGS
    proc = subprocess.run([binary, "embed", "--corpus", corpus_path, "--dim", str(s["dim"]),
                           "--window", str(s["window"]), "--negative", str(s["negative"]),
                           "--epochs", str(s["epochs"]), "--min-count", str(s["min_count"]),
                           "--sample", str(s["sample"]), "--alpha", str(s["alpha"]), "--threads", "1",
                           "--seed", str(seed), "--out", out_path], capture_output=True, text=True, check=True)
    words = int(re.search(r"words=(\d+)", proc.stderr).group(1))
    seconds = float(re.search(r"seconds=([0-9.]+)", proc.stderr).group(1))
    return words / seconds


def gensim_model(seed):
    s = SETTINGS
    return Word2Vec(vector_size=s["dim"], window=s["window"], negative=s["negative"], hs=0, sg=1,
                    sample=s["sample"], min_count=s["min_count"], alpha=s["alpha"],
                    min_alpha=s["alpha"] * 1e-4, workers=1, epochs=s["epochs"], seed=seed)


def run_gensim_sentences(sentences, seed):
    model = gensim_model(seed)
    model.build_vocab(sentences)
    start = time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=SETTINGS["epochs"])
    elapsed = time.perf_counter() - start
    return model, sum(map(len, sentences)) * SETTINGS["epochs"] / elapsed


def run_gensim_file(path, seed):
    model = gensim_model(seed)
    model.build_vocab(corpus_file=path)
    start = time.perf_counter()
    model.train(corpus_file=path, total_words=model.corpus_total_words, epochs=SETTINGS["epochs"])
    elapsed = time.perf_counter() - start
    return model.corpus_total_words * SETTINGS["epochs"] / elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--bin", default=os.path.join(here, "..", "..", ".build", "release", "datafi"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="p2v-bench-")
    rng = random.Random(7)

    # 1. Speed.
    speed = speed_corpus(rng)
    speed_path = os.path.join(work, "speed.txt")
    write_corpus(speed_path, speed)
    ours, g_sent, g_file = [], [], []
    for r in range(args.runs):
        ours.append(run_ours(args.bin, speed_path, os.path.join(work, "speed_vectors.txt"), seed=1 + r))
        g_sent.append(run_gensim_sentences(speed, seed=1 + r)[1])
        g_file.append(run_gensim_file(speed_path, seed=1 + r))
    words = sum(map(len, speed))
    s = SETTINGS
    print(f"speed corpus: {len(speed)} sequences, {words} words, 10,000 distinct tokens (Zipf); "
          f"dim {s['dim']}, window {s['window']}, negative {s['negative']}, epochs {s['epochs']}, "
          f"sample {s['sample']}, one thread; best of {args.runs}")
    print()
    print("| trainer | words/s | ours / peer |")
    print("| --- | ---: | ---: |")
    best = max(ours)
    print(f"| datafi embed | {best:,.0f} | 1.00 |")
    print(f"| gensim Word2Vec (sentences) | {max(g_sent):,.0f} | {best / max(g_sent):.2f} |")
    print(f"| gensim Word2Vec (corpus_file) | {max(g_file):,.0f} | {best / max(g_file):.2f} |")

    # 2. Quality, at two difficulties near where the clusters become recoverable.
    print()
    print("planted-cluster corpora: 4,000 sequences of 20 tokens, 20 clusters x 50 tokens; each token is "
          "from the sequence's cluster with the given probability, else uniform; top-10 neighbour purity "
          "(chance 0.05), mean of seeds 1-3")
    print()
    print("| in-cluster probability | datafi embed | gensim Word2Vec | difference | ours per seed | gensim per seed |")
    print("| ---: | ---: | ---: | ---: | --- | --- |")
    worst = 0.0
    for signal in (0.30, 0.35):
        planted = planted_corpus(random.Random(11), sequences=4_000, clusters=20, signal=signal)
        planted_path = os.path.join(work, f"planted_{signal}.txt")
        write_corpus(planted_path, planted)
        ours_q, gensim_q = [], []
        for seed in (1, 2, 3):
            out = os.path.join(work, f"planted_{signal}_{seed}.txt")
            run_ours(args.bin, planted_path, out, seed)
            ours_q.append(purity(*read_word2vec_text(out)))
            model, _ = run_gensim_sentences(planted, seed)
            gensim_q.append(purity(list(model.wv.index_to_key), model.wv.vectors.astype(np.float64)))
        oq, gq = float(np.mean(ours_q)), float(np.mean(gensim_q))
        worst = max(worst, abs(oq - gq))
        print(f"| {signal:.2f} | {oq:.4f} | {gq:.4f} | {oq - gq:+.4f} | "
              f"{', '.join(f'{q:.3f}' for q in ours_q)} | {', '.join(f'{q:.3f}' for q in gensim_q)} |")
    print(f"\nlargest purity difference {worst:.4f} (target: within 0.02); speed target: ours >= gensim")


if __name__ == "__main__":
    main()
