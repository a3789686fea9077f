#!/usr/bin/env python3
"""Checks the search API against SciPy: for every metric, the distances of all hits of a query equal
scipy.spatial.distance.cdist on the stored vectors (relative error < 1e-4), hits are sorted, and similarity
percentages never rise as distances grow. Usage: check-scipy.py [base URL, default http://localhost:8080]."""
import json
import sys
import urllib.parse
import urllib.request

import numpy as np
from scipy.spatial.distance import cdist

BASE = (sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8080").rstrip("/") + "/api/search"
DATASET, MODEL, LAYER = "tinyimagenet200", "mobilenet_v1_0.25_128", "global_pool"
QUERY = "bullfrog/n01641577_3.JPEG"


def call(path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.status, json.load(r)


def search(metric, k):
    body = dict(dataset=DATASET, model=MODEL, layer=LAYER, metric=metric, k=k, queryId=QUERY)
    status, r = call("/query", body)
    if status == 202:  # the collection is being built: wait for it
        while r["state"] in ("queued", "running"):
            _, r = call(r["job"][len("/api/search"):])
        assert r["state"] == "succeeded", r
        status, r = call("/query", body)
    assert status == 200, r
    return r["hits"]


def vector(image_id):
    path = "/collections/%s/%s/%s/vectors/%s" % (DATASET, MODEL, LAYER, urllib.parse.quote(image_id))
    return call(path)[1]["vector"]


def main():
    _, metrics = call("/metrics")
    ids = [h["id"] for h in search("cosine", 1000)]
    vectors = {i: vector(i) for i in ids + [QUERY]}
    q = np.array([vectors[QUERY]], dtype=np.float64)
    worst = 0.0
    for m in metrics:
        kw = {"p": 3} if m == "minkowski" else {}
        hits = search(m, 1000)
        got = np.array([h["distance"] for h in hits])
        ref = cdist(q, np.array([vectors[h["id"]] for h in hits], dtype=np.float64), m, **kw)[0]
        rel = np.abs(got - ref) / np.maximum(np.abs(ref), 1e-12)
        assert np.all(rel < 1e-4), "%s: distances differ from cdist by up to %g" % (m, rel.max())
        assert np.all(np.diff(got) >= 0), m + ": hits are not sorted by distance"
        every = np.sort(cdist(q, np.array([vectors[i] for i in ids], dtype=np.float64), m, **kw)[0])
        assert np.allclose(np.sort(got), every, rtol=1e-4), m + ": the hits are not the nearest items"
        sims = [h["similarity"] for h in hits]
        assert all(a >= b for a, b in zip(sims, sims[1:])), m + ": similarity rises with distance"
        worst = max(worst, rel.max())
        print("%-12s %d hits, max relative error vs cdist %.1e" % (m, len(hits), rel.max()))
    print("all %d metrics agree with scipy.spatial.distance.cdist (worst relative error %.1e)" % (len(metrics), worst))


if __name__ == "__main__":
    main()
