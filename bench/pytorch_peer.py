#!/usr/bin/env python3
"""PyTorch peer of the Cortado benchmark: the models of BenchModel.java and CnnModel.java, float32, CPU.

Also the two recurrent models of RecurrentBench.java (--models gru,lstm): x [32, 32 steps, 16],
nn.GRU or nn.LSTM of 64 units (batch_first, the last state), a dense layer of 10, softmax
cross-entropy, Adam lr 1e-3. Their FLOPs count the gate products: forward x@W and h@U at every
step, and twice that backward (weight and state gradients; the data needs none).

Prints the same markdown table as dev.cortado.bench.BenchTable: per model the median
microseconds per training step and GFLOP/s, one column pair per thread count.

FLOPs per step count only the matrix products, 2*m*k*n each: forward x@W, weight gradient
x^T@dY, and input gradient dY@W^T for every layer but the first (the data has no
requires_grad, so PyTorch skips it too); bias, activation, loss and update are left out. A
convolution counts as the product of its patches [batch*OH*OW, kh*kw*in] with its kernel
[kh*kw*in, filters], as CnnModel.java does.

The convolutional models (cnn_digits, lenet) are PyTorch's usual NCHW modules
(nn.Conv2d, F.max_pool2d) on the same sizes; SAME padding of a 3x3 stride-1 kernel is
padding=1.

A step is: zero_grad(set_to_none), forward, loss, backward, optimizer.step(), on one fixed
batch. Each thread count runs in its own process with OMP_NUM_THREADS, MKL_NUM_THREADS and
OPENBLAS_NUM_THREADS set, because the BLAS library reads its thread count at load time; BLAS
gets the same thread count as torch unless --blas-threads says otherwise (Debian's OpenBLAS
keeps its own pthread pool beside torch's OpenMP pool, and with both at 2 threads on 2 cores
that shared with other processes, a step was 10-20x slower than with one thread).

With --clock cpu a single-threaded run is timed with the thread's CPU time (time.thread_time),
which leaves out the time the process waited for a core on a loaded machine, as BenchTable's
--clock cpu does; runs with more threads are always timed with wall time.

Usage: python3 bench/pytorch_peer.py [--threads 1,2] [--models tiny,small,mnist,cnn_digits,lenet,gru,lstm]
       [--clock wall|cpu] [--blas-threads N] [--warmup-s 1.5] [--measure-s 1.0] [--rounds 10]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# label, batch, sizes, loss, optimizer -- as in BenchModel.java, HandTiny/HandSmall/HandMnist.java
MODELS = [
    ("tiny", 16, [4, 16, 3], "mse", ("sgd", dict(lr=0.05, weight_decay=1e-4))),
    ("small", 32, [64, 128, 10], "ce", ("adamw", dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                                      weight_decay=1e-2))),
    ("mnist", 64, [784, 256, 128, 10], "ce", ("sgd", dict(lr=0.01, momentum=0.9,
                                                          weight_decay=5e-4))),
    # convolutional models, as in CnnModel.java: sizes are [side, channels]
    ("cnn_digits", 32, [8, 1], "ce", ("adamw", dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                                    weight_decay=1e-2))),
    ("lenet", 64, [28, 1], "ce", ("sgd", dict(lr=0.01, momentum=0.9, weight_decay=5e-4))),
    # recurrent: sizes are [features, units, classes] over STEPS steps
    ("gru", 32, [16, 64, 10], "ce", ("adam", dict(lr=1e-3))),
    ("lstm", 32, [16, 64, 10], "ce", ("adam", dict(lr=1e-3))),
]
RECURRENT = {"gru": 3, "lstm": 4}
STEPS = 32

CNNS = ("cnn_digits", "lenet")


def cnn_flops(label, batch):
    def mm(m, k, n):
        return 2 * m * k * n
    if label == "cnn_digits":
        return (2 * mm(batch * 64, 9, 16) + 3 * mm(batch * 64, 144, 32)
                + 3 * mm(batch, 512, 10))
    return (2 * mm(batch * 576, 25, 32) + 3 * mm(batch * 64, 800, 64)
            + 3 * mm(batch, 1024, 128) + 3 * mm(batch, 128, 10))


def cnn_module(label):
    import torch
    nn = torch.nn
    if label == "cnn_digits":
        return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
                             nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(512, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(1024, 128), nn.ReLU(), nn.Linear(128, 10))


def flops_per_step(batch, sizes, label=None):
    if label in CNNS:
        return cnn_flops(label, batch)
    if label in RECURRENT:
        f, u, c = sizes
        gates = RECURRENT[label] * u
        forward = 2 * batch * STEPS * (f + u) * gates
        return forward + 2 * batch * STEPS * (f + 2 * u) * gates + 3 * 2 * batch * u * c
    total = 0
    for layer, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        mm = 2 * batch * fan_in * fan_out
        total += 2 * mm if layer == 0 else 3 * mm
    return total


def description(label, batch, sizes):
    if label in CNNS:
        return "%s [%d, %d, %d, %d]" % (label, batch, sizes[0], sizes[0], sizes[1])
    if label in RECURRENT:
        return "%s [%d, %d steps, %d] %s %d, dense %d" % (label, batch, STEPS, sizes[0], label.upper(),
                                                       sizes[1], sizes[2])
    return "%s %s b%d" % (label, "-".join(str(s) for s in sizes), batch)


def time_model(spec, warmup_s, measure_s, rounds, clock):
    import torch
    import torch.nn.functional as F
    label, batch, sizes, loss_kind, (opt_name, opt_args) = spec
    torch.manual_seed(42)
    if label in CNNS:
        model = cnn_module(label)
        x = torch.rand(batch, sizes[1], sizes[0], sizes[0])
        sizes = sizes + [10]
    else:
        layers = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
            layers.append(torch.nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                layers.append(torch.nn.ReLU())
        model = torch.nn.Sequential(*layers)
    if label in CNNS:
        pass
    elif label in RECURRENT:
        model = Recurrent(torch, label, sizes)
        x = torch.randn(batch, STEPS, sizes[0])
    elif label == "mnist":
        x = torch.rand(batch, sizes[0])
    else:
        x = torch.randn(batch, sizes[0])
    if loss_kind == "ce":
        y = torch.randint(0, sizes[-1], (batch,))
        loss_fn = F.cross_entropy
    else:
        y = torch.randn(batch, sizes[-1])
        loss_fn = F.mse_loss
    opt_class = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}.get(opt_name, torch.optim.AdamW)
    opt = opt_class(model.parameters(), **opt_args)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        step()
    per_round = []
    round_s = measure_s / rounds
    for _ in range(rounds):
        start = clock()
        stop = start + round_s
        steps = 0
        while True:
            loss = step()
            steps += 1
            now = clock()
            if now >= stop:
                break
        per_round.append((now - start) * 1e6 / steps)
    if not torch.isfinite(loss):
        raise RuntimeError("%s: non-finite loss %s" % (label, loss.item()))
    return statistics.median(per_round)


def Recurrent(torch, label, sizes):
    """nn.GRU or nn.LSTM (batch_first) over the steps, its last state into a dense layer."""
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            cell = torch.nn.GRU if label == "gru" else torch.nn.LSTM
            self.rnn = cell(sizes[0], sizes[1], batch_first=True)
            self.out = torch.nn.Linear(sizes[1], sizes[2])

        def forward(self, x):
            h, _ = self.rnn(x)
            return self.out(h[:, -1, :])
    return Model()


def worker(args):
    import torch
    torch.set_num_threads(args.worker)
    cpu = args.clock == "cpu" and args.worker == 1
    result = {"threads": torch.get_num_threads(), "torch": torch.__version__, "micros": {},
              "clock": "thread CPU time" if cpu else "wall time"}
    clock = time.thread_time if cpu else time.perf_counter
    for spec in MODELS:
        if spec[0] in args.models:
            result["micros"][spec[0]] = time_model(spec, args.warmup_s, args.measure_s,
                                                   args.rounds, clock)
    print(json.dumps(result))


def format_micros(us):
    return "%.2f" % us if us < 10 else "%.1f" % us if us < 1000 else "%.0f" % us


def blas_library():
    try:
        return os.path.realpath("/etc/alternatives/libblas.so.3-x86_64-linux-gnu")
    except OSError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--models", default="tiny,small,mnist")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--blas-threads", type=int, help="BLAS threads (default: as torch)")
    parser.add_argument("--warmup-s", type=float, default=1.5)
    parser.add_argument("--measure-s", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.models = [m.strip() for m in args.models.split(",")]
    unknown = [m for m in args.models if m not in [s[0] for s in MODELS]]
    if unknown:
        parser.error("unknown model(s) %s, expected tiny, small, mnist, cnn_digits, lenet, gru or lstm"
                     % unknown)
    if args.worker is not None:
        worker(args)
        return
    load = os.getloadavg()[0]
    results = []
    for threads in [int(t) for t in args.threads.split(",")]:
        blas = str(args.blas_threads or threads)
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=blas,
                   OPENBLAS_NUM_THREADS=blas)
        out = subprocess.run([sys.executable, __file__, "--worker", str(threads),
                              "--models", ",".join(args.models), "--clock", args.clock,
                              "--warmup-s", str(args.warmup_s), "--measure-s", str(args.measure_s),
                              "--rounds", str(args.rounds)],
                             env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    print("PyTorch %s, Python %s, BLAS %s, %d cores, load average %.2f before the run, %s" % (
        results[0]["torch"], sys.version.split()[0], blas_library(), os.cpu_count(),
        load, ", ".join("%d thread%s: %s" % (r["threads"],
                                      "" if r["threads"] == 1 else "s", r["clock"])
                                      for r in results)))
    print()
    header = "| model | MFLOP/step |"
    rule = "| --- | ---: |"
    for r in results:
        name = "PyTorch %d thread%s" % (r["threads"], "" if r["threads"] == 1 else "s")
        header += " %s µs/step | GFLOP/s |" % name
        rule += " ---: | ---: |"
    print(header)
    print(rule)
    for label, batch, sizes, _, _ in MODELS:
        if label not in args.models:
            continue
        flops = flops_per_step(batch, sizes, label)
        row = "| %s | %.3f |" % (description(label, batch, sizes), flops / 1e6)
        for r in results:
            us = r["micros"][label]
            row += " %s | %.2f |" % (format_micros(us), flops / (us * 1e3))
        print(row)


if __name__ == "__main__":
    main()
