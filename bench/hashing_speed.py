"""Speed and memory of adaptive hashing (red_nb.hashing) on torchvision ResNet-50 (25.5 M conv/linear weights).

Measured in one process, on the same tensors (every Conv/Linear weight of the model):
1. `fast`: `hash_tensor` on every layer's weight (binned KDE + FFT, modes, basin lookup), best of `--repeats`;
2. `hash_weights`: the whole model call (BN folding with its deep copy, weights and biases hashed), best of `--repeats`;
3. `brute`: the exact O(n*G) density (`kde_brute`) on the same grids, plus the same mode search. Evaluating it
   on all 25.5 M weights would take hours, so every layer is timed on a random sub-sample of `--sub` weights
   and the time is extrapolated linearly in n (the cost is exactly proportional to n at fixed G; the script
   checks that on one layer with two sub-sample sizes);
4. `memory`: extra peak resident memory of `hash_weights` and of the `hash_tensor` loop, over the resident
   memory just before the call (peak reset with /proc/self/clear_refs), each in a fresh process (an allocator
   that already ran the timings holds freed memory and would hide allocations), against the model's size.

The weights are torchvision's random initialisation (no ImageNet weights offline); timings depend little on the
values (the grid is refined only for very heavy-tailed layers). On a shared machine timings are disturbed by
other load: the load average is printed at start and end.

Duration: about 5 min with the defaults on one core (the brute-force sub-samples dominate).

    python bench/hashing_speed.py [--repeats 3] [--sub 1024] [--threads N] [--alpha A] [--out FILE]

Writes bench/results/hashing_speed.json (`red_nb.evaluation.write_result`), one row.
"""
import argparse, math, os, subprocess, sys, time
from pathlib import Path
import torch, torch.nn as nn, torchvision
from red_nb.hashing import hash_tensor, hash_weights, kde_modes, kde_brute, hashable_layers, GRID, ALPHA, _modes_of
from red_nb.evaluation import environment, write_result

ROOT = Path(__file__).resolve().parent.parent

def rss_mb(field='VmRSS'):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'): return int(line.split()[1]) / 1024
    return float('nan')

def reset_peak():
    "Reset the peak resident size (Linux >= 4.0); False if not allowed"
    try:
        with open('/proc/self/clear_refs', 'w') as f: f.write('5')
        return True
    except OSError: return False

def extra_peak_mb(fn):
    "Peak resident memory during fn() above the resident memory just before it (MB), and fn's result"
    ok = reset_peak()
    before = rss_mb('VmRSS')
    if not ok: before = rss_mb('VmHWM')  # then only an increase of the all-time peak can be seen
    res = fn()
    return rss_mb('VmHWM') - before, res

def hash_all(weights, alpha):
    for w in weights: hash_tensor(w, alpha=alpha)

def brute_time(w, alpha, sub, gen):
    "Seconds of the exact KDE + mode search on `sub` random values of `w`, on the grid the fast KDE uses, and the grid size"
    h = alpha * w.std().item()
    grid = kde_modes(w, h).x
    s = w.flatten()[torch.randint(0, w.numel(), (min(sub, w.numel()),), generator=gen)]
    t = time.perf_counter()
    d = kde_brute(s, h, grid)
    _modes_of(grid, d, h, s.numel())
    return time.perf_counter() - t, len(grid), s.numel()

def memory_child(part, a):
    "Run the memory measurement in a fresh process (the allocator of this one already holds freed memory)"
    cmd = [sys.executable, os.path.abspath(__file__), '--memory', part, '--alpha', str(a.alpha)] + (['--threads', str(a.threads)] if a.threads else [])
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]

def memory(part, alpha):
    "Extra peak MB of hashing resnet50 in this fresh process: the whole `hash_weights` call, or the `hash_tensor` loop"
    torch.manual_seed(0)
    model = torchvision.models.resnet50().eval()
    weights = [m.weight.detach() for m in hashable_layers(model).values()]
    hash_tensor(torch.randn(1000), alpha=alpha)  # load the kernels once
    def loop():
        for w in weights: hash_tensor(w, alpha=alpha)
    with torch.no_grad(): mb, _ = extra_peak_mb((lambda: hash_weights(model, alpha=alpha)) if part == 'model' else loop)
    print(mb)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--sub', type=int, default=1024, help='values per layer for the brute-force timing')
    p.add_argument('--threads', type=int, default=None)
    p.add_argument('--alpha', type=float, default=ALPHA)
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'hashing_speed.json'))
    p.add_argument('--memory', choices=['model', 'loop'], help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    if a.memory: return memory(a.memory, a.alpha)
    env = environment(); print(env)
    torch.manual_seed(0)
    model = torchvision.models.resnet50().eval()
    layers = hashable_layers(model)
    weights = [m.weight.detach() for m in layers.values()]
    n = sum(w.numel() for w in weights)
    model_mb = sum(t.numel() * t.element_size() for t in model.state_dict().values()) / 2**20
    print(f"torchvision resnet50 (random init): {len(weights)} Conv/Linear layers, {n:,} weights; "
          f"all parameters and buffers {model_mb:.1f} MB; alpha = {a.alpha}, grid = {GRID}")
    hash_tensor(weights[0], alpha=a.alpha)  # warm-up (FFT plans, allocator)

    with torch.no_grad():
        t_fast, cpu_fast = [], []
        for _ in range(a.repeats):
            t, c = time.perf_counter(), time.process_time()
            hash_all(weights, a.alpha)
            t_fast.append(time.perf_counter() - t); cpu_fast.append(time.process_time() - c)
        t_model = []
        for _ in range(a.repeats):
            t = time.perf_counter(); hm = hash_weights(model, alpha=a.alpha); t_model.append(time.perf_counter() - t)
        rep = hm.hash_report
        del hm
        print(f"\nfast: hash_tensor on every layer      best {min(t_fast):.2f} s   (runs: {', '.join(f'{t:.2f}' for t in t_fast)}; "
              f"process CPU time {', '.join(f'{t:.2f}' for t in cpu_fast)} s)")
        print(f"      = {min(t_fast) / n * 1e9:.0f} ns per weight; modes per layer: mean {sum(r['modes'] for r in rep) / len(rep):.0f}, "
              f"max {max(r['modes'] for r in rep)}; grid points used up to {max(len(kde_modes(w, a.alpha * w.std().item()).x) for w in weights)}")
        print(f"hash_weights(resnet50), whole call    best {min(t_model):.2f} s   (runs: {', '.join(f'{t:.2f}' for t in t_model)}; "
              f"includes fold_bn's trace and deep copy, and bias hashing)")

        gen = torch.Generator().manual_seed(0)
        big = max(weights, key=lambda w: w.numel())
        t1, _, s1 = brute_time(big, a.alpha, a.sub, gen)
        t2, _, s2 = brute_time(big, a.alpha, 4 * a.sub, gen)
        print(f"\nbrute force linearity check on the largest layer ({big.numel():,} weights): "
              f"{s1} values {t1:.3f} s, {s2} values {t2:.3f} s, ratio {t2 / t1:.2f} (expected {s2 / s1:.0f})")
        c0 = time.process_time()
        t_brute, t_sub = 0., 0.
        for w in weights:
            t, G, s = brute_time(w, a.alpha, a.sub, gen)
            t_sub += t
            t_brute += t * w.numel() / s
        print(f"brute force: exact KDE on {a.sub} values per layer took {t_sub:.1f} s; extrapolated linearly to all "
              f"{n:,} weights: {t_brute:.0f} s ({t_brute / 3600:.2f} h); process CPU time of the sub-sampled runs {time.process_time() - c0:.1f} s")
        print(f"ratio fast / brute force = 1/{t_brute / min(t_fast):.0f}")
        row = dict(model='torchvision resnet50 (random init)', layers=len(weights), weights=n, model_mb=model_mb, alpha=a.alpha, grid=GRID,
                   fast_seconds=min(t_fast), fast_runs=t_fast, fast_cpu_seconds=cpu_fast, ns_per_weight=min(t_fast) / n * 1e9,
                   modes_mean=sum(r['modes'] for r in rep) / len(rep), modes_max=max(r['modes'] for r in rep),
                   hash_weights_seconds=min(t_model), hash_weights_runs=t_model, brute_linearity_ratio=t2 / t1, brute_linearity_expected=s2 / s1,
                   brute_sub_seconds=t_sub, brute_seconds=t_brute, brute_over_fast=t_brute / min(t_fast))

    mem_model, mem_loop = (float(memory_child(part, a)) for part in ('model', 'loop'))
    print(f"\nextra peak memory (fresh process each), hash_weights (holds the new model): {mem_model:.0f} MB = {mem_model / model_mb:.2f} x the model's {model_mb:.0f} MB")
    print(f"extra peak memory (fresh process each), hash_tensor loop (temporaries only):  {mem_loop:.0f} MB = {mem_loop / model_mb:.2f} x")
    print("(wall times on a shared machine include waiting for the CPU: compare the CPU times, and the ratio, measured under the same load)")
    row.update(peak_mb_hash_weights=mem_model, peak_mb_loop=mem_loop)
    write_result(a.out, 'hashing_speed', [row], dict(repeats=a.repeats, sub=a.sub, threads=torch.get_num_threads(), alpha=a.alpha,
                 title='adaptive hashing of torchvision ResNet-50: seconds (best of the repeats), brute force extrapolated, extra peak memory'),
                 seeds=[0], env=env)
    print(f"wrote {a.out}")
    print(f"goals: hashing every layer <= 3 s: {'met' if min(t_fast) <= 3 else 'NOT met'} ({min(t_fast):.2f} s; whole hash_weights call {min(t_model):.2f} s); "
          f"<= 1/20 of brute force: {'met' if t_brute / min(t_fast) >= 20 else 'NOT met'}; "
          f"extra peak memory <= 2x weights: {'met' if mem_model <= 2 * model_mb else 'NOT met'}")

if __name__ == '__main__': main()
