"""Hash-only sweep of the hashing bandwidth alpha on the pretrained CIFAR ResNet-20 and ResNet-56.

For each alpha: modes per layer, largest weight change (in units of the layer's std), accuracy change and top-1
agreement with the dense model on the JPEG-rebuilt CIFAR-10 test set and on the exact first 100 test images
(`red_nb.hashing.alpha_sweep`). Writes bench/results/alpha_sweep.json. About 15 minutes on one core.

    python bench/alpha_sweep.py [--alphas 0.002,0.003,...] [--depths 20,56] [--n-test 10000] [--out bench/results/alpha_sweep.json]
"""
import argparse, torch

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--alphas', default='0.002,0.003,0.005,0.0075,0.01,0.015,0.02,0.03,0.05')
    ap.add_argument('--depths', default='20,56')
    ap.add_argument('--n-test', type=int, default=10000)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default='bench/results/alpha_sweep.json')
    a = ap.parse_args()
    from red_nb.core import cifar_resnet, cifar10, cifar10_exact100
    from red_nb.hashing import alpha_sweep
    from red_nb.evaluation import write_result, environment
    torch.set_num_threads(a.threads)
    env = environment()
    test = cifar10()
    if a.n_test < len(test): test = torch.utils.data.Subset(test, range(a.n_test))
    data = dict(test=test, exact100=cifar10_exact100())
    alphas = [float(v) for v in a.alphas.split(',')]
    rows = []
    for d in (int(v) for v in a.depths.split(',')):
        rep = alpha_sweep(cifar_resnet(d, pretrained=True), alphas, data, progress=False)
        rows += [dict(model=f'resnet{d}', **r) for r in rep]
    write_result(a.out, 'alpha_sweep', rows, settings=dict(title='hash-only sweep of alpha (no merging, no separation)',
                 alphas=alphas, n_test=len(test), threads=a.threads), seeds=None, env=env)

if __name__ == '__main__': main()
