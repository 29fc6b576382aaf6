"""Synthesis speed against quality: variants of `red_nb.reconstruction.synthetic_batch` on CIFAR ResNet-56.

For every variant and seed: the time to synthesise the BN-matched batch (one thread), then
`red(dense, x, target_macs=0.74, reconstruct=batch)` and its accuracy change and top-1 agreement against the dense
model on a prefix of the JPEG-rebuilt test set. One row per variant: mean and spread (max - min) over the seeds.
Duration: about 1 min per (variant, seed) for the fast variants, 4-8 min for the earlier 64x150 recipe.

    nice python bench/synthesis_speed.py [--variants 'NAME;NAME;...'] [--seeds 0,1,2] [--n-test 2000] [--merge FILE] [--out FILE]

`--merge FILE` puts the rows of an earlier result first (e.g. the slow recipe run as a separate process).
Writes bench/results/synthesis_speed.json (`red_nb.evaluation.write_result`)."""
import argparse, os, statistics, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent

VARIANTS = {  # name: synthetic_batch options (n=64 inputs returned by every variant)
    'old 64x150': dict(steps=150, init='noise', copies=1),
    'old recipe, 20 steps': dict(steps=20, init='noise', copies=1),
    'smooth start, 20 steps': dict(steps=20, init='smooth', copies=1),
    'coarse 16x16, 70 steps': dict(steps=70, init='smooth', copies=1, coarse=16),
    'default: smooth, 16 inputs x4 copies, 80 steps': dict(),
    'default + ce=1, tv=1': dict(ce=1.0, tv=1.0),
    'smooth, 8 inputs x8 copies, 160 steps': dict(steps=160, init='smooth', copies=8),
}

def spread(v): return max(v) - min(v)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--variants', default=';'.join(VARIANTS), help=f'semicolon-separated names out of: {"; ".join(VARIANTS)}')
    p.add_argument('--seeds', default='0,1,2', help='synthesis seeds')
    p.add_argument('--n-test', type=int, default=2000, help='test images (a prefix of the test set)')
    p.add_argument('--target', type=float, default=0.74, help='target_macs')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--merge', default=None, help='a result file of this script whose rows go first')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'synthesis_speed.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from red_nb.core import cifar_resnet, cifar10, evaluate, Report
    from red_nb.evaluation import red, environment, write_result, read_result
    from red_nb.reconstruction import synthetic_batch, bn_matching_loss
    env = environment()
    names = [v.strip() for v in a.variants.split(';')]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown: p.error(f"unknown variants {unknown}")
    seeds = [int(s) for s in a.seeds.split(',')]
    dense = cifar_resnet(56, pretrained=True).eval()
    x = torch.randn(8, 3, 32, 32, generator=torch.Generator().manual_seed(0))   # tracing and costs only
    ds = torch.utils.data.Subset(cifar10(), range(a.n_test))
    dense_acc = evaluate(dense, ds, progress=False)['acc']
    rows, runs = (read_result(a.merge)['rows'] if a.merge else []), []
    for name in names:
        per = []
        for seed in seeds:
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            xs = synthetic_batch(dense, seed=seed, progress=False, **VARIANTS[name])
            sec = time.perf_counter() - t0
            with torch.no_grad(): bn = bn_matching_loss(dense, xs)[0].item()
            res = red(dense, x, target_macs=a.target, reconstruct=xs, separate=None, verify=False, latency=None, progress=False)
            ev = evaluate(res.model, ds, reference=dense, progress=False)
            per.append(dict(variant=name, seed=seed, seconds=sec, bn_loss=bn, macs_removed=1 - res.after.macs / res.before.macs,
                            d_acc_pt=100 * (ev['acc'] - dense_acc), agreement=ev['agreement'], load=load))
            print(Report(per[-1:]).table(), flush=True)
        runs += per
        col = lambda k: [r[k] for r in per]
        rows.append(dict(variant=name, options=', '.join(f'{k}={v}' for k, v in VARIANTS[name].items()) or 'the defaults', seconds=round(statistics.mean(col('seconds')), 1),
                         bn_loss=round(statistics.mean(col('bn_loss')), 1), macs_removed=round(statistics.mean(col('macs_removed')), 4),
                         d_acc_pt=round(statistics.mean(col('d_acc_pt')), 2), d_acc_spread=round(spread(col('d_acc_pt')), 2),
                         agreement=round(statistics.mean(col('agreement')), 4), agreement_spread=round(spread(col('agreement')), 4),
                         seeds=len(per), load=round(statistics.mean(col('load')), 2)))
    title = (f'ResNet-56, synthetic batch variants: seconds to synthesise (one thread), then red(target_macs={a.target}, reconstruct=batch) '
             f'on the first {a.n_test} test images (dense {dense_acc:.2%}); mean and spread (max - min) over the seeds')
    rep = Report(rows, title)
    print(rep)
    write_result(a.out, 'synthesis_speed', rows, dict(target_macs=a.target, n_test=a.n_test, dense_acc=dense_acc, threads=a.threads, title=title,
                 variants={v: VARIANTS[v] for v in names}, merged=a.merge),
                 seeds=seeds, env=env, extra=dict(runs=runs))
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
