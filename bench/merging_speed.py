"""Speed of the channel analysis and of merging on torchvision models (CPU).

Measures, for each model (random weights, BN randomised then folded, 2 duplicates planted in every
mergeable group so that merges happen): `channel_groups` (fx trace + shape propagation + walk), and
`merge_neurons(tau=0)` given the groups (vectors, duplicate search, surgery, and the two `count_cost`
passes of its report), the whole call, and the whole call without the cost report (`cost=False`). The baseline, run in the same process, is one forward pass of the dense model
on the same input; times are given as seconds and as multiples of that forward pass.

Duration: about 2 min per model with the defaults on one core.

Run: python bench/merging_speed.py [--models resnet50,densenet121] [--size 224] [--repeats 3] [--out FILE]

Writes bench/results/merging_speed.json (`red_nb.evaluation.write_result`), one row per model.
"""
import argparse, time, statistics
from pathlib import Path
import torch, torchvision
from red_nb.graph import fold_bn, randomize_bn
from red_nb.channels import channel_groups, copy_channel
from red_nb.merging import merge_neurons
from red_nb.core import max_output_diff
from red_nb.evaluation import environment, write_result

ROOT = Path(__file__).resolve().parent.parent

def timed(fn, repeats):
    ts, out = [], None
    for _ in range(repeats):
        t = time.perf_counter(); out = fn(); ts.append(time.perf_counter() - t)
    return min(ts), statistics.median(ts), out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument('--models', default='resnet50', help='comma-separated torchvision model names')
    ap.add_argument('--size', type=int, default=224, help='input height and width')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--out', default=str(ROOT/'bench'/'results'/'merging_speed.json'))
    a = ap.parse_args()
    env = environment(); print(env, f"torchvision {torchvision.__version__}")
    rows = []
    x = torch.randn(1, 3, a.size, a.size)
    for name in a.models.split(','):
        torch.manual_seed(0)
        model = fold_bn(randomize_bn(getattr(torchvision.models, name)().eval()))
        groups = channel_groups(model, x)
        for g in groups.mergeable():
            for j in (1, 2): copy_channel(model, g, 0, j)
        with torch.no_grad(): model(x)  # warm-up
        def forward():
            with torch.no_grad(): return model(x)
        fwd_min, fwd_med, _ = timed(forward, a.repeats)
        ana_min, ana_med, groups = timed(lambda: channel_groups(model, x), a.repeats)
        mer_min, mer_med, merged = timed(lambda: merge_neurons(model, x, groups=groups), a.repeats)
        tot_min, tot_med, merged2 = timed(lambda: merge_neurons(model, x), a.repeats)
        nc_min, nc_med, _ = timed(lambda: merge_neurons(model, x, cost=False), a.repeats)
        d = max_output_diff(model, merged2, x)
        found = sum(r['merged'] for r in merged2.merge_report)
        print(f"\n{name} @ {a.size}x{a.size}: {len(groups)} groups, {len(groups.mergeable())} mergeable, {found} merges "
              f"(planted {2 * len(groups.mergeable())}), max_output_diff {d:.1e}")
        print(f"  baseline forward pass     : min {fwd_min:.3f} s  median {fwd_med:.3f} s")
        print(f"  channel_groups            : min {ana_min:.3f} s  median {ana_med:.3f} s  ({ana_med / fwd_med:.1f}x forward)")
        print(f"  merge_neurons given groups: min {mer_min:.3f} s  median {mer_med:.3f} s  ({mer_med / fwd_med:.1f}x forward)")
        print(f"  analysis + merge (one call): min {tot_min:.3f} s  median {tot_med:.3f} s  ({tot_med / fwd_med:.1f}x forward)")
        print(f"  same, cost=False (no count_cost report): min {nc_min:.3f} s  median {nc_med:.3f} s  ({nc_med / fwd_med:.1f}x forward)")
        rows.append(dict(model=name, size=a.size, groups=len(groups), mergeable=len(groups.mergeable()), merges=found, planted=2 * len(groups.mergeable()),
                         max_output_diff=d, forward_min=fwd_min, forward_median=fwd_med, channel_groups_min=ana_min, channel_groups_median=ana_med,
                         merge_given_groups_min=mer_min, merge_given_groups_median=mer_med, merge_min=tot_min, merge_median=tot_med,
                         merge_no_cost_min=nc_min, merge_no_cost_median=nc_med, merge_vs_forward=tot_med / fwd_med))
    write_result(a.out, 'merging_speed', rows, dict(repeats=a.repeats, size=a.size, threads=torch.get_num_threads(), torchvision=torchvision.__version__,
                 title='channel_groups and merge_neurons(tau=0) seconds on torchvision models (random weights, 2 duplicates planted per group)'),
                 seeds=[0], env=env)
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
