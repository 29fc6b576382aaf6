"""Latency of uneven depthwise separation (red_nb.separation) on the current device.

Part `gathers`: for ResNet-like conv shapes with planted repeated kernels, the dense conv against the
split form with every gather-sum implementation (0/1 1x1 conv, index_select+sum, sparse CSR product,
index_add loop) -> which gather to use by default.
Part `resnet`: hashed (+ merged if available) CIFAR ResNet-20/56: per-layer n_c, MACs in both
conventions, and whole-network CPU latency at batch 1 and 64 of the separated models ("macs" and
"latency" modes) as ratios against the unseparated model timed in the same run (medians).

Duration on one core: gathers about 10 min, resnet about 10 min per depth (the macs-mode networks are slow).

    python bench/separation_latency.py [--part gathers|resnet|all] [--repeats 30] [--threads N] [--depths 20,56] [--alpha A] [--out DIR]

Writes into --out (default bench/results/, `red_nb.evaluation.write_result`): separation_gathers.json (part gathers),
separation_costs.json (counts per model), separation_latency.json (times per model and batch) and separation_nc.json
(n_c per layer) (part resnet).
"""
import argparse, copy, statistics, time
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F
import warnings
from red_nb.core import cifar_resnet, count_cost, max_output_diff
from red_nb.separation import SplitConv, plant_repeats, separate_convs, split_cost, nc_stats
from red_nb.evaluation import environment, write_result

ROOT = Path(__file__).resolve().parent.parent

def medians(fns, x, repeats, warmup=3):
    "Median seconds per call of each fn, interleaved rounds"
    ts = [[] for _ in fns]
    with torch.inference_mode():
        for _ in range(warmup):
            for f in fns: f(x)
        for _ in range(repeats):
            for i, f in enumerate(fns):
                t = time.perf_counter(); f(x); ts[i].append(time.perf_counter() - t)
    return [statistics.median(t) for t in ts]

# --- alternative gather-sum implementations, built from a SplitConv's buffers (bench only) ---
def _idx(sc): return torch.where(sc.index < 0, sc.n_kernels, sc.index)

def gather_sparse(sc):
    "The 0/1 product as a sparse CSR matrix times the (S, N*H*W) maps"
    idx = sc.index
    rows = torch.arange(idx.shape[0])[:, None].expand_as(idx)[idx >= 0]
    A = torch.sparse_coo_tensor(torch.stack([rows, idx[idx >= 0]]), torch.ones(rows.numel()), (sc.out_channels, sc.n_kernels)).coalesce().to_sparse_csr()
    def f(x):
        z = sc.depthwise(x); n, s, h, w = z.shape
        y = (A @ z.transpose(0, 1).reshape(s, -1)).view(-1, n, h, w).transpose(0, 1)
        return y if sc.bias is None else y + sc.bias[:, None, None]
    return f

def gather_loop(sc):
    "Accumulate one gathered (N, C_out, H, W) slab per input channel (index_add-style, no big intermediate)"
    idx = _idx(sc)
    def f(x):
        z = F.pad(sc.depthwise(x), (0, 0, 0, 0, 0, 1))
        y = z.index_select(1, idx[:, 0])
        for i in range(1, idx.shape[1]): y.add_(z.index_select(1, idx[:, i]))
        return y if sc.bias is None else y + sc.bias[:, None, None]
    return f

VARIANTS = dict(matmul=lambda c: SplitConv.from_conv(c, 'matmul'), conv=lambda c: SplitConv.from_conv(c, 'conv'),
                index=lambda c: SplitConv.from_conv(c, 'index'), sparse=lambda c: gather_sparse(SplitConv.from_conv(c)),
                loop=lambda c: gather_loop(SplitConv.from_conv(c)))

def part_gathers(repeats):
    print("\n## Gather implementations: median time of the split layer / median time of the dense Conv2d (same run; < 1 = faster)")
    print(f"{'C_in->C_out k HxW':>20} {'kept':>5} {'batch':>5} {'dense ms':>9} | " + ' '.join(f"{n:>8}" for n in VARIANTS) + " | best")
    wins, rel, rows = {}, {n: [] for n in VARIANTS}, []
    for cin, cout, hw, k in [(16, 16, 32, 3), (32, 32, 16, 3), (64, 64, 8, 3), (64, 256, 8, 1), (256, 64, 8, 1)]:
        for n_distinct in (1, 2, 4, 16):
            for bs in (1, 64):
                torch.manual_seed(0)
                conv = plant_repeats(nn.Conv2d(cin, cout, k, padding=k//2, bias=True), n_distinct=n_distinct, zero_frac=0.)
                x = torch.randn(bs, cin, hw, hw)
                fns = {nm: mk(conv) for nm, mk in VARIANTS.items()}
                with torch.no_grad():
                    ref = conv(x)
                    for nm, f in fns.items():
                        d = (f(x) - ref).abs().max().item() / ref.abs().max().item()
                        assert d <= 1e-5, (nm, d)
                t = medians([conv] + list(fns.values()), x, max(5, repeats // (3 if bs == 64 else 1)))
                ratios = [ti / t[0] for ti in t[1:]]
                best = min(range(len(ratios)), key=ratios.__getitem__)
                wins[list(fns)[best]] = wins.get(list(fns)[best], 0) + 1
                for nm, r in zip(fns, ratios): rel[nm].append(r / ratios[0])
                kept = sum(SplitConv.from_conv(conv).config['counts']) / (cin * cout)
                print(f"{f'{cin}->{cout} k{k} {hw}x{hw}':>20} {kept:5.2f} {bs:5d} {t[0]*1e3:9.3f} | " + ' '.join(f"{r:8.2f}" for r in ratios) + f" | {list(fns)[best]}", flush=True)
                rows.append(dict(c_in=cin, c_out=cout, k=k, hw=hw, kept=kept, batch=bs, dense_ms=t[0]*1e3, **dict(zip(fns, ratios)), best=list(fns)[best]))
    print("fastest implementation (count of cases):", wins)
    print("geometric mean time relative to 'matmul':", {n: round(statistics.geometric_mean(v), 2) for n, v in rel.items()})
    return rows

def hashed(depth, alpha=None):
    "Pretrained ResNet, BN-folded and hashed (hash_weights defaults unless alpha), merged if red_nb.merging exists"
    from red_nb.hashing import hash_weights
    dense = cifar_resnet(depth, pretrained=True)
    h = hash_weights(dense) if alpha is None else hash_weights(dense, alpha=alpha)
    hashing = 'default settings' if alpha is None else f'alpha={alpha}'
    from red_nb.merging import merge_neurons
    h = merge_neurons(h, torch.randn(2, 3, 32, 32))
    return dense, h.eval(), hashing

def part_resnet(repeats, depths=(20, 56), alpha=None):
    from red_nb.core import cifar10_exact100, evaluate
    exact = cifar10_exact100()
    costs, lats, ncs = [], [], []
    for depth in depths:
        dense, base, hashing = hashed(depth, alpha)
        model = f'resnet{depth}'
        print(f"\n## ResNet-{depth}, hashed ({hashing}) + merged (tau=0)")
        acc = evaluate(base, exact, reference=dense, progress=False)
        acc_dense = evaluate(dense, exact, progress=False)['acc']
        print(f"exact CIFAR-10 test[0:100]: dense {acc_dense:.2f}, hashed+merged {acc['acc']:.2f} (agreement {acc['agreement']:.2f})")
        x1 = torch.randn(1, 3, 32, 32)
        sep = separate_convs(base, x1, mode='macs', min_gain=0.0, progress=False)
        st = nc_stats(base)
        print(st)
        ncs += [dict(model=model, hashing=hashing, **r) for r in st]
        kept = sum(r['nc_mean'] * r['c_in'] for r in st) / sum(r['c_in'] * r['c_out'] for r in st)
        print(f"kernels computed after separation: {kept:.3f} of the dense count (all conv+linear layers)")
        cd, cb, c = count_cost(dense, x1), count_cost(base, x1), split_cost(sep, x1, reference=base)
        print(f"per image, multiply-only: dense {cd.macs/1e6:.2f} M, hashed+merged {cb.macs/1e6:.2f} M, separated {c['mults']/1e6:.2f} M "
              f"({c['mults']/cd.macs:.3f}x dense, {c['mults_ratio']:.3f}x hashed+merged); multiply+add: dense {cd.flops/1e6:.2f} M, "
              f"hashed+merged {cb.flops/1e6:.2f} M, separated {c['mult_add']/1e6:.2f} M ({c['mult_add']/cd.flops:.3f}x dense, {c['mult_add_ratio']:.3f}x)")
        n_split = sum(r['chosen'] for r in sep.separation_report)
        print(f"layers split in macs mode (min_gain=0): {n_split}/{len(sep.separation_report)}")
        costs.append(dict(model=model, hashing=hashing, acc_dense_exact100=acc_dense, acc_exact100=acc['acc'], agreement_exact100=acc['agreement'],
                          kernels_kept=kept, mults_dense_M=cd.macs/1e6, mults_hashed_M=cb.macs/1e6, mults_separated_M=c['mults']/1e6,
                          mults_vs_dense=c['mults']/cd.macs, mults_vs_hashed=c['mults_ratio'], flops_dense_M=cd.flops/1e6, flops_hashed_M=cb.flops/1e6,
                          flops_separated_M=c['mult_add']/1e6, flops_vs_dense=c['mult_add']/cd.flops, flops_vs_hashed=c['mult_add_ratio'],
                          layers_split=n_split, layers=len(sep.separation_report)))
        for bs in (1, 64):
            x = torch.randn(bs, 3, 32, 32)
            rep = max(7, repeats // (3 if bs == 64 else 1))
            lat = separate_convs(base, x, mode='latency', repeats=rep, progress=False)
            n_lat = sum(r['chosen'] for r in lat.separation_report)
            # latency mode against the input, and an identical copy of the input (the noise floor), interleaved
            t = medians([base, lat, copy.deepcopy(base)], x, rep)
            # the macs-mode network is much slower; timed in its own (shorter) interleaved run against the input
            ts = medians([base, sep], x, max(3, rep // 3))
            t = [t[0], ts[1] / ts[0] * t[0], t[1], t[2]]
            d = max(max_output_diff(base, sep, x), max_output_diff(base, lat, x))
            fast = sorted(lat.separation_report, key=lambda r: r['speed_ratio'])[:3]
            same = all(type(a) is type(b) for a, b in zip(base.modules(), lat.modules()))
            print(f"batch {bs:3d}: hashed+merged (unseparated) {t[0]*1e3:8.2f} ms | macs-mode separated {t[1]/t[0]:.3f}x | "
                  f"latency-mode separated {t[2]/t[0]:.3f}x ({n_lat} layers split; its own check: {lat.separation_report.title.split(': ')[-1]}) | "
                  f"noise floor (identical copy of the input) {t[3]/t[0]:.3f}x | latency-mode model has the input's modules: {same} | max diff {d:.1e}")
            best = ', '.join(f"{r['layer']} {r['speed_ratio']:.2f} ({r['gather']}, kept {r['sum_nc']/r['dense_kernels']:.2f})" for r in fast)
            print("   best per-layer split/dense time ratios: " + best)
            lats.append(dict(model=model, hashing=hashing, batch=bs, unseparated_ms=t[0]*1e3, macs_mode=t[1]/t[0], latency_mode=t[2]/t[0],
                             latency_split_layers=n_lat, latency_check=lat.separation_report.title.split(': ')[-1], noise_floor=t[3]/t[0],
                             same_modules=same, max_diff=d, best_layers=best))
    return costs, lats, ncs

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument('--part', default='all', choices=['gathers', 'resnet', 'all'])
    ap.add_argument('--repeats', type=int, default=30)
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--alpha', type=float, default=None, help='hashing bandwidth (default: hash_weights default)')
    ap.add_argument('--depths', default='20,56', help='comma-separated CIFAR ResNet depths (part resnet)')
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'), help='folder of the result files')
    a = ap.parse_args()
    warnings.filterwarnings('ignore', message='Sparse')
    if a.threads: torch.set_num_threads(a.threads)
    env = environment(); print("#", env)
    out, threads = Path(a.out), torch.get_num_threads()
    if a.part in ('gathers', 'all'):
        rows = part_gathers(a.repeats)
        write_result(out/'separation_gathers.json', 'separation_gathers', rows, dict(repeats=a.repeats, threads=threads,
                     title="split layer time / dense Conv2d time, per gather implementation (< 1: faster)"), seeds=[0], env=env)
    if a.part in ('resnet', 'all'):
        costs, lats, ncs = part_resnet(a.repeats, tuple(int(d) for d in a.depths.split(',')), a.alpha)
        s = dict(repeats=a.repeats, threads=threads, depths=a.depths, alpha=a.alpha)
        write_result(out/'separation_costs.json', 'separation_costs', costs, dict(s, title="multiplications per image (M): dense, hashed + merged, "
                     "separated ('macs' mode, min_gain=0); exact-100 accuracy"), env=env)
        write_result(out/'separation_latency.json', 'separation_latency', lats, dict(s, title="whole-network time relative to the unseparated "
                     "(hashed + merged) model, same run (medians)"), env=env)
        write_result(out/'separation_nc.json', 'separation_nc', ncs, dict(s, title="distinct kernels per input channel (n_c) per layer of the "
                     "hashed + merged CIFAR ResNets"), env=env)
