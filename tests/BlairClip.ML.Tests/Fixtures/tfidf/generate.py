#!/usr/bin/python3
"""Generates tfidf_parity.json, the scikit-learn golden for BlairClip.ML's TF-IDF featurizer.

Run from this folder with Debian's interpreter (python3-sklearn):  /usr/bin/python3 generate.py

Inputs: the item texts of the embedded All_Beauty sample (data/samples/all-beauty/meta_All_Beauty.jsonl, in file
order; text = title, description and features — lists joined with spaces, fields joined with one space, missing,
null or empty fields skipped), followed by SYNTHETIC texts that exercise Unicode corners. The texts are written into
the fixture so the C# test does not depend on a loader.

Outputs (one JSON file):
  texts                    the corpus
  analyzer                 [{text, tokens}] from TfidfVectorizer(stop_words='english').build_analyzer(), for the
                           synthetic texts and for random strings over all of Unicode (seeded)
  analyzer_no_stop_words   the same with stop_words=None
  cases                    per max_features in (None, 5000, 50), and a tie-heavy corpus: vocabulary, idf, and the
                           fit_transform matrix as CSR (indptr, indices, data)
  argsort                  [{values, order}] np.argsort on float64 arrays with many ties (the max_features tie rule),
                           and adversarial arrays that reach its heapsort fallback
"""
import json, os, random, sys
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

HERE = os.path.dirname(os.path.abspath(__file__))
META = os.path.join(HERE, "..", "..", "..", "..", "data", "samples", "all-beauty", "meta_All_Beauty.jsonl")

SYNTHETIC = [
    "naïve café Café CAFÉ NAÏVE",
    "cafe\u0301 nai\u0308ve re\u0301sume\u0301",
    "snake_case __init__ a_b _x x_ foo_bar_baz _",
    "42 007 3.14 1,000 4K 1080p x2 2x 99",
    "東京タワー 北京 日本語のテキスト 한국어 テスト",
    "don't it's rock'n'roll O'Neil can’t",
    "well-known e-mail anti-aging 24-hour—dash",
    "😀 emoji👍thumbs 🎉party 💄lipstick ab😀cd",
    "İstanbul İSTANBUL ıi Iİ",
    "Straße STRASSE ß ẞ Maß",
    "ΣΊΣΥΦΟΣ ΟΔΟΣ Σ ΣΑ ΑΣ. Σ'Α ΑΣ'",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ ｗｚ ｗ𝐱 𝐀𝐁 𝐚𝐛",
    "½ ² Ⅻ ⅻ x² ③④ ٣٤ १२",
    "Ǆemal ǅ ǆ ﬁne ﬂour",
    "",
    "the and of is a",
    "a b c d e",
    "𐐀𐐁 Deseret 𐐨𐐩",
    "tab\tseparated\nnew line\r\ncarriage",
    "ÀÉÎÕÜ àéîõü Ǻ",
]

TIES = [" ".join(f"w{i:02d}" for i in range(40)) for _ in range(2)] + ["w07 w13 w21 zz zz", "w30 w31 zz"]


# --- NumPy aquicksort transcription (only to drive the adversary) ---
def argsort_model(n, less, stats):
    t=list(range(n))
    if n<2: return t
    stack=[]; depth=[]
    pl,pr=0,n-1
    cdepth=(n.bit_length()-1)*2
    while True:
        if cdepth<0:
            stats['heap']+=1
            heap_model(t,pl,pr-pl+1,less)
        else:
            while pr-pl>15:
                pm=pl+((pr-pl)>>1)
                if less(t[pm],t[pl]): t[pm],t[pl]=t[pl],t[pm]
                if less(t[pr],t[pm]): t[pr],t[pm]=t[pm],t[pr]
                if less(t[pm],t[pl]): t[pm],t[pl]=t[pl],t[pm]
                vp=t[pm]; pi=pl; pj=pr-1
                t[pm],t[pj]=t[pj],t[pm]
                while True:
                    pi+=1
                    while less(t[pi],vp): pi+=1
                    pj-=1
                    while less(vp,t[pj]): pj-=1
                    if pi>=pj: break
                    t[pi],t[pj]=t[pj],t[pi]
                t[pi],t[pr-1]=t[pr-1],t[pi]
                if pi-pl<pr-pi:
                    stack+= [pi+1,pr]; pr=pi-1
                else:
                    stack+=[pl,pi-1]; pl=pi+1
                cdepth-=1; depth.append(cdepth)
            for pi in range(pl+1,pr+1):
                vi=t[pi]; pj=pi
                while pj>pl and less(vi,t[pj-1]):
                    t[pj]=t[pj-1]; pj-=1
                t[pj]=vi
        if not stack: break
        pr=stack.pop(); pl=stack.pop(); cdepth=depth.pop()
    return t
def heap_model(t,off,n,less):
    a=lambda k: t[off+k-1]
    def seta(k,v): t[off+k-1]=v
    l=n>>1
    while l>0:
        tmp=a(l); i=l; j=l<<1
        while j<=n:
            if j<n and less(a(j),a(j+1)): j+=1
            if less(tmp,a(j)): seta(i,a(j)); i=j; j+=j
            else: break
        seta(i,tmp); l-=1
    while n>1:
        tmp=a(n); seta(n,a(1)); n-=1; i=1; j=2
        while j<=n:
            if j<n and less(a(j),a(j+1)): j+=1
            if less(tmp,a(j)): seta(i,a(j)); i=j; j+=j
            else: break
        seta(i,tmp)


# NumPy's introsort falls back to heapsort only on adversarial inputs. To put that path into the fixture, the
# arrays below are built by McIlroy's "antiqsort" adversary run against a Python transcription of NumPy's
# aquicksort (argsort_model / heap_model); the fixture stores NumPy's own argsort of them.
def antiqsort(n):
    gas = n
    val = [gas] * n
    state = {"solid": 0, "candidate": 0}

    def freeze(x):
        val[x] = state["solid"]; state["solid"] += 1

    def less(x, y):
        if val[x] == gas and val[y] == gas:
            freeze(x if x == state["candidate"] else y)
        if val[x] == gas: state["candidate"] = x
        elif val[y] == gas: state["candidate"] = y
        return val[x] < val[y]

    argsort_model(n, less, {"heap": 0})
    return val


def item_texts():
    texts = []
    with open(META, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            parts = []
            for field in ("title", "description", "features"):
                v = o.get(field)
                if v is None:
                    continue
                s = " ".join(v) if isinstance(v, list) else str(v)
                if s:
                    parts.append(s)
            texts.append(" ".join(parts))
    return texts


def random_texts(count, rng):
    # Mostly characters around case, marks, numbers and word boundaries, some from anywhere (no surrogates).
    pools = [range(0x20, 0x7F), range(0xA0, 0x250), range(0x300, 0x370), range(0x370, 0x400), range(0x400, 0x530),
             range(0x1E00, 0x2000), range(0x2000, 0x2190), range(0x2460, 0x2500), range(0xFF00, 0xFFF0),
             range(0x10400, 0x10450), range(0x1D400, 0x1D800), range(0x1F300, 0x1F700)]
    out = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randint(1, 24)):
            if rng.random() < 0.15:
                c = rng.randrange(0x110000)
                while 0xD800 <= c <= 0xDFFF:
                    c = rng.randrange(0x110000)
            else:
                c = rng.choice(rng.choice(pools))
            chars.append(chr(c))
            if rng.random() < 0.1:
                chars.append("\u03a3")
        out.append("".join(chars))
    return out


def fit_case(texts, max_features, name):
    v = TfidfVectorizer(stop_words="english", max_features=max_features)
    x = v.fit_transform(texts).tocsr()
    x.sort_indices()
    vocab = sorted(v.vocabulary_, key=v.vocabulary_.get)
    assert vocab == sorted(vocab)
    return {"name": name, "max_features": max_features, "vocabulary": vocab, "idf": v.idf_.tolist(),
            "indptr": x.indptr.tolist(), "indices": x.indices.tolist(), "data": x.data.tolist()}


def main():
    rng = random.Random(20240521)
    texts = item_texts() + SYNTHETIC
    probe = SYNTHETIC + random_texts(400, rng)
    analyze = TfidfVectorizer(stop_words="english").build_analyzer()
    analyze_all = TfidfVectorizer(stop_words=None).build_analyzer()
    cases = [fit_case(texts, n, f"sample+synthetic max_features={n}") for n in (None, 5000, 50)]
    ties = fit_case(TIES, 10, "ties max_features=10")
    ties["texts"] = TIES
    cases.append(ties)
    argsort = []
    nrng = np.random.default_rng(7)
    for size in (5, 16, 17, 40, 100, 1000, 5000):
        for levels in (2, 5, 50):
            vals = -nrng.integers(1, levels + 1, size).astype(np.float64)
            argsort.append({"values": vals.tolist(), "order": np.argsort(vals).tolist()})
    for size, tie in ((100, 1), (1000, 1), (1000, 2)):
        vals = (np.array(antiqsort(size)) // tie).astype(np.float64)
        stats = {"heap": 0}
        assert argsort_model(size, lambda a, b: vals[a] < vals[b], stats) == np.argsort(vals).tolist()
        assert stats["heap"] > 0, "adversary did not reach the heapsort fallback"
        argsort.append({"values": vals.tolist(), "order": np.argsort(vals).tolist()})
    out = {
        "generator": "generate.py",
        "python": sys.version.split()[0],
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "texts": texts,
        "analyzer": [{"text": t, "tokens": analyze(t)} for t in probe],
        "analyzer_no_stop_words": [{"text": t, "tokens": analyze_all(t)} for t in probe],
        "cases": cases,
        "argsort": argsort,
    }
    with open(os.path.join(HERE, "tfidf_parity.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=True, separators=(",", ":"))


if __name__ == "__main__":
    main()
