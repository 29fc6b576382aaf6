"""How long `red()` takes, per stage, on CIFAR ResNet-56 (published weights) and torchvision ResNet-50 (random weights).

    python bench/red_speed.py [--repeats 3] [--threads N]

Prints the median seconds of each stage, and the ratio to one forward pass of the same model on the same
input measured in this process (the baseline), the CPU time of the process (less sensitive to other load than
the wall time), plus machine, torch version and commit. Targets (issue 6):
ResNet-56 <= 2 s, ResNet-50 <= 20 s, with `verify` reporting <= 1e-5 for the exact stages."""
import argparse, json, statistics, time
import torch, torchvision
from red_nb.core import cifar_resnet
from red_nb.evaluation import red, measure_latency, environment

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
    return dict(model=name, seconds=totals, cpu_seconds=cpu, stages={k: statistics.median(v) for k, v in stages.items()}, forward=fwd,
                exactness=res.exactness, macs_kept=res.after.macs/res.before.macs)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=None)
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    env = environment(); print(env)
    out = [run('cifar resnet56', cifar_resnet(56, pretrained=True), torch.randn(8, 3, 32, 32), a.repeats),
           run('torchvision resnet50 (random)', torchvision.models.resnet50().eval(), torch.randn(1, 3, 224, 224), a.repeats)]
    print(json.dumps(dict(environment=env, results=out), default=str)[:200] + ' ...')
