"""Is red()'s default output ever slower than its input? Latency of input and output at batch 1 and 64.

For each model: `red(model, x)` with the default settings (separation kept only where the whole network is measured
no slower), then `red_nb.core.latency_report` times input and output interleaved, alternating order, medians, in this
process. Models: the pretrained CIFAR ResNet-56, the shipped Fashion-MNIST 1x1 CNN, torchvision mobilenet_v2 and
resnet50 (random weights: latency only). Writes bench/results/default_latency.json. About 10 minutes on one core.

    python bench/default_latency.py [--models resnet56,fashion_cnn,mobilenet_v2,resnet50] [--batches 1,64] [--threads 1]
"""
import argparse, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent

def model_and_input(name):
    "(model, example input) for a model name of this benchmark"
    import torchvision
    from red_nb.core import cifar_resnet
    from red_nb.zoo import fashion_cnn
    from red_nb.graph import randomize_bn
    g = torch.Generator().manual_seed(0)
    if name == 'resnet56': return cifar_resnet(56, pretrained=True), torch.randn(8, 3, 32, 32, generator=g)
    if name == 'fashion_cnn': return fashion_cnn().eval(), torch.randn(8, 1, 28, 28, generator=g)
    m = randomize_bn(torchvision.models.get_model(name)).eval()
    return m, torch.randn(8, 3, 224, 224, generator=g)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('--models', default='resnet56,fashion_cnn,mobilenet_v2,resnet50')
    p.add_argument('--batches', default='1,64', help='comma-separated batch sizes')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--budget', type=float, default=5.0, help='seconds of timed runs per model and batch size (3 to 30 runs)')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'default_latency.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    from red_nb.core import latency_report
    from red_nb.evaluation import red, environment, write_result
    env, rows = environment(), []
    batches = tuple(int(b) for b in a.batches.split(','))
    for name in a.models.split(','):
        model, x = model_and_input(name)
        t0 = time.perf_counter()
        res = red(model, x, progress=False, latency=None)
        sec = time.perf_counter() - t0
        rep = latency_report({'input': model, 'output': res.model}, x, batches, budget=a.budget)
        split = sum(r['chosen'] for r in res.reports['separate']) if 'separate' in res.reports else 0
        for r in rep:
            if r['model'] == 'output':
                rows.append(dict(model=name, batch=r['batch'], ms_input=[q['ms'] for q in rep if q['batch'] == r['batch']][0], ms_output=r['ms'],
                                 ratio=r['ratio'], runs=r['runs'], macs_kept=res.after.macs / res.before.macs, layers_split=split,
                                 red_seconds=round(sec, 1)))
                print(rows[-1], flush=True)
    write_result(a.out, 'default_latency', rows, settings=dict(title="red()'s default output against its input: latency (ratio = output / input)",
                 batches=batches, threads=a.threads, budget_seconds=a.budget), seeds=[0], env=env)

if __name__ == '__main__': main()
