#!/usr/bin/env python3
"""Generates a dataset-search corpus, queries and the rankings an independent BM25 gives them.

The scores come from rank-bm25's BM25Okapi (k1=1.2, b=0.75) with one change: its idf is replaced by the
non-negative Lucene form ln(1 + (N - n + 0.5) / (n + 0.5)), the form DataFiMarket's DatasetSearch documents.
Term frequencies, length normalisation and the sum over query words are rank-bm25's own. Filters select
results after scoring; ties are broken by dataset symbol. Output: JSON on stdout.
"""
import json
import math
import random
import re
import sys

from rank_bm25 import BM25Okapi

K1, B = 1.2, 0.75
SEED = 16


class LuceneIdfBM25(BM25Okapi):
    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def words(text):
    # ASCII corpus: lower-cased maximal runs of letters and digits, as DatasetSearch.words does.
    return re.findall(r"[a-z0-9]+", text.lower())


def main():
    rng = random.Random(SEED)
    topics = ["health", "mobility", "finance", "credit", "energy", "climate", "retail", "genomics", "survey",
              "traffic", "diary", "sensor", "loan", "payment", "weather", "census", "clinic", "heart", "sleep",
              "transit", "grid", "solar", "fraud", "risk", "income", "price", "store", "basket", "gene", "protein"]
    filler = ["data", "records", "anonymised", "daily", "monthly", "city", "regional", "household", "panel",
              "rows", "csv", "open", "private", "aggregate", "sample", "time", "series", "model", "training",
              "statistics", "study", "public", "index", "measure", "level", "rate", "count", "2024", "2025", "v2"]
    # Zipf-like: topic words are rarer than filler.
    vocabulary = topics + filler * 3
    licences = ["CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "CC-BY-NC-4.0"]

    def phrase(low, high):
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(low, high)))

    documents = []
    for i in range(160):
        records = 0 if rng.random() < 0.25 else rng.randint(1, 5_000_000)
        documents.append({
            "dataset": "D%03d" % i,
            "title": phrase(2, 7).capitalize(),
            "description": phrase(0, 25) + ("." if rng.random() < 0.5 else ""),
            "keywords": sorted(set(rng.choice(topics) for _ in range(rng.randint(0, 5)))),
            "usageScenarios": [phrase(2, 5) for _ in range(rng.randint(1, 3))],
            "license": rng.choice(licences),
            "verifiedRecords": records,
            "verifiedAssets": 0 if records == 0 else rng.randint(1, 40),
        })
    # A few exact duplicates under other symbols, so equal scores and the symbol tie-break are exercised.
    for i in range(6):
        twin = dict(documents[i * 7])
        twin["dataset"] = "T%03d" % i
        documents.append(twin)

    corpus = [words(" ".join([d["title"], d["description"]] + d["keywords"] + d["usageScenarios"])) for d in documents]
    bm25 = LuceneIdfBM25(corpus, k1=K1, b=B)

    queries = []
    for q in range(48):
        terms = [rng.choice(vocabulary + ["absent", "nowhere"]) for _ in range(rng.randint(1, 4))]
        text = " ".join(t.upper() if rng.random() < 0.2 else t for t in terms) + ("?" if q % 5 == 0 else "")
        filters = {}
        if rng.random() < 0.3:
            filters["license"] = rng.choice(licences)
        if rng.random() < 0.2:
            filters["keyword"] = rng.choice(topics)
        if rng.random() < 0.2:
            filters["minimumRecords"] = rng.randint(0, 2_000_000)
        if rng.random() < 0.2:
            filters["maximumRecords"] = rng.randint(2_000_000, 5_000_000)
        if rng.random() < 0.2:
            filters["hasVerifiedAssets"] = rng.random() < 0.5
        limit = rng.choice([5, 10, 20, 1000])
        scores = bm25.get_scores(words(text))

        def admits(d):
            if "license" in filters and d["license"].lower() != filters["license"].lower():
                return False
            if "keyword" in filters and filters["keyword"].lower() not in [k.lower() for k in d["keywords"]]:
                return False
            if "minimumRecords" in filters and d["verifiedRecords"] < filters["minimumRecords"]:
                return False
            if "maximumRecords" in filters and d["verifiedRecords"] > filters["maximumRecords"]:
                return False
            if "hasVerifiedAssets" in filters and (d["verifiedAssets"] > 0) != filters["hasVerifiedAssets"]:
                return False
            return True

        ranked = sorted((i for i, d in enumerate(documents) if scores[i] > 0 and admits(d)),
                        key=lambda i: (-scores[i], documents[i]["dataset"]))[:limit]
        queries.append({
            "query": text, "filters": filters, "limit": limit,
            "expected": [{"dataset": documents[i]["dataset"], "score": float(scores[i])} for i in ranked],
            "positiveScores": {documents[i]["dataset"]: float(s) for i, s in enumerate(scores) if s > 0},
        })

    json.dump({"generator": "rank-bm25 BM25Okapi, Lucene idf, k1=%s b=%s, seed %d" % (K1, B, SEED),
               "documents": documents, "queries": queries}, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
