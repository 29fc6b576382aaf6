"""Can the multiplication cut of RED's separation on 1x1 convolutions become CPU speed? (nbs/04a_fashion.ipynb)

For every 1x1 convolution of the shipped Fashion-MNIST CNN after RED (per-input-channel hashing, the setting
given by --alpha/--zero-snap), times on this CPU, on the layer's real input, at batch 1 and 64, one thread:
  dense    F.conv2d with the hashed weight (what BLAS does with C_out*C_in multiply-adds per pixel)
  matmul   SplitConv: S = sum_c n_c products per pixel, then the 0/1 gather as a batched matrix product
  conv     SplitConv: the same gather as a 1x1 convolution
  index    SplitConv: the gather as index_select + sum (exactly the additions, no multiplications)
  csr      the hashed weight as a sparse CSR matrix (only its zeros are skipped) times the input matrix
Prints per-layer medians and ratios to dense (same process, interleaved rounds); writes bench/results/fashion_pointwise.json
(`red_nb.evaluation.write_result`; `fashion_pointwise_zs.json` with --zero-snap). Duration: about 1 min on one core.
Run from the repository root:  python bench/fashion_pointwise.py [--alpha 0.1] [--zero-snap] [--threads 1] [--out FILE]"""
import argparse, statistics, time
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F
from red_nb.zoo import fashion_mnist, fashion_cnn
from red_nb.evaluation import red_columns
from red_nb.separation import SplitConv
from red_nb.core import Report
from red_nb.evaluation import environment, write_result

ROOT = Path(__file__).resolve().parent.parent

def times(fns, x, repeats=30, warmup=3):
    t = [[] for _ in fns]
    with torch.inference_mode():
        for _ in range(warmup):
            for f in fns: f(x)
        for _ in range(repeats):
            for i, f in enumerate(fns):
                t0 = time.perf_counter(); f(x); t[i].append(time.perf_counter() - t0)
    return [statistics.median(v) for v in t]

def csr_fn(conv):
    W = conv.weight.detach()[:, :, 0, 0].to_sparse_csr()
    b = conv.bias.detach()[:, None] if conv.bias is not None else None
    def f(x):
        n, c, h, w = x.shape
        y = torch.sparse.mm(W, x.permute(1, 0, 2, 3).reshape(c, -1))
        if b is not None: y = y + b
        return y.view(-1, n, h, w).permute(1, 0, 2, 3)
    return f, W.values().numel() / (W.shape[0] * W.shape[1])

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--alpha', type=float, default=0.1, help='hashing bandwidth of red_columns')
    p.add_argument('--zero-snap', action='store_true', help='snap near-zero weights to zero when hashing')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=None, help='result file (default: bench/results/fashion_pointwise[_zs].json)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    env = environment()
    test = fashion_mnist()
    rows = []
    for bs in (1, 64):
        x = test.tensors[0][:bs]
        res = red_columns(fashion_cnn(), x, alpha=a.alpha, zero_snap=a.zero_snap, separate=None, verify=False)
        m = res.model
        inputs = {}
        hooks = [l.register_forward_hook(lambda mod, i, o, n=n: [inputs.setdefault(n, i[0]), None][1]) for n, l in m.named_modules()
                 if isinstance(l, nn.Conv2d) and l.kernel_size == (1, 1) and l.groups == 1]
        with torch.no_grad(): m(x)
        for h in hooks: h.remove()
        for name, xin in inputs.items():
            conv = m.get_submodule(name)
            splits = {g: SplitConv.from_conv(conv, g) for g in ('matmul', 'conv', 'index')}
            csr, density = csr_fn(conv)
            with torch.no_grad():
                ref = conv(xin)
                for g, s in splits.items(): assert (s(xin) - ref).abs().max() <= 1e-5 * ref.abs().max(), (name, g)
                assert (csr(xin) - ref).abs().max() <= 1e-5 * ref.abs().max(), (name, 'csr')
            t = times([conv] + list(splits.values()) + [csr], xin)
            S = sum(splits['matmul'].config['counts'])
            rows.append(dict(batch=bs, layer=name, c_in=conv.in_channels, c_out=conv.out_channels, hw=xin.shape[2]*xin.shape[3],
                             mults_kept=S / (conv.in_channels * conv.out_channels), nonzero=density, us_dense=1e6*t[0],
                             matmul=t[1]/t[0], conv=t[2]/t[0], index=t[3]/t[0], csr=t[4]/t[0]))
    rep = Report(rows, f"1x1 layers of FashionCNN after red_columns(alpha={a.alpha}{', zero_snap' if a.zero_snap else ''}): time / dense time ({a.threads} thread)")
    print(rep.table('md'))
    geo = {k: statistics.geometric_mean([r[k] for r in rows]) for k in ('matmul', 'conv', 'index', 'csr')}
    print('geometric mean of time / dense:', {k: round(v, 2) for k, v in geo.items()})
    out = Path(a.out) if a.out else ROOT/'bench'/'results'/f"fashion_pointwise{'_zs' if a.zero_snap else ''}.json"
    write_result(out, out.stem, rows, dict(title=rep.title, alpha=a.alpha, zero_snap=a.zero_snap, threads=a.threads), env=env, extra=dict(geomean=geo))
    print(f"wrote {out}")
