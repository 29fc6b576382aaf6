"""How long `red()` takes, per stage, on CIFAR ResNet-56 (published weights) and torchvision ResNet-50 (random weights).

    python bench/red_speed.py [--repeats 3] [--threads N]

Prints the median seconds of each stage, and the ratio to one forward pass of the same model on the same
input measured in this process (the baseline), the CPU time of the process (less sensitive to other load than
the wall time), plus machine, torch version and commit; one row per model. Duration: about 2 min with the default
3 repeats on one quiet core (ResNet-50 dominates).

Writes bench/results/red_speed.json (`red_nb.evaluation.write_result`)."""
import argparse, statistics, time
from pathlib import Path
import torch, torchvision
from red_nb.core import cifar_resnet
from red_nb.evaluation import red, measure_latency, environment, write_result

ROOT = Path(__file__).resolve().parent.parent

def run(name, model, x, repeats):
    fwd = measure_latency(model, x, repeats=5)
    totals, cpu, stages = [], [], {}
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        res = red(model, x, progress=False)
        totals.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
        for k, v in res.seconds.items(): stages.setdefault(k, []).append(v)
    med = statistics.median(totals)
    print(f"{name}: red() median {med:.2f} s over {repeats} runs (min {min(totals):.2f}; CPU time of this process {statistics.median(cpu):.2f} s, "
          f"all threads); forward pass {fwd*1e3:.1f} ms -> {med/fwd:.0f} forward passes")
    print('   stages: ' + ', '.join(f"{k} {statistics.median(v):.2f} s" for k, v in stages.items()))
    print('   exactness: ' + ', '.join(f"{k} {v:.1e}" for k, v in res.exactness.items()))
    print(f"   MACs kept {res.after.macs/res.before.macs:.3f}, params kept {res.after.params/res.before.params:.3f}")
    return dict(model=name, seconds_median=med, runs=repeats, seconds_min=min(totals), cpu_seconds=statistics.median(cpu), forward_ms=fwd*1e3,
                forward_passes=med/fwd, **{f'{k}_seconds': statistics.median(v) for k, v in stages.items()},
                **{f'{k}_exactness': v for k, v in res.exactness.items()}, macs_kept=res.after.macs/res.before.macs,
                params_kept=res.after.params/res.before.params, seconds_all=totals, cpu_seconds_all=cpu)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=None)
    p.add_argument('--seed', type=int, default=0, help='seed of the random weights and inputs')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'red_speed.json'))
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    env = environment(); print(env)
    torch.manual_seed(a.seed)
    rows = [run('cifar resnet56', cifar_resnet(56, pretrained=True), torch.randn(8, 3, 32, 32), a.repeats),
            run('torchvision resnet50 (random)', torchvision.models.resnet50().eval(), torch.randn(1, 3, 224, 224), a.repeats)]
    write_result(a.out, 'red_speed', rows, dict(repeats=a.repeats, threads=torch.get_num_threads(),
                 title=f'red() seconds per stage (median of {a.repeats} runs) and in forward passes of the same model'), seeds=[a.seed], env=env)
    print(f"wrote {a.out}")
