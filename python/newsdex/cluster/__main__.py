"""python3 -m newsdex.cluster: start a local Dask cluster to try sharded archives on.

Prints the scheduler's address, then serves until Ctrl-C.  From another Python:
    from distributed import Client
    from newsdex.cluster import ShardedArchive
    arc = ShardedArchive(["arc/shard-0", "arc/shard-1"], Client("tcp://127.0.0.1:8786"))
"""
import argparse
import signal
import sys


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m newsdex.cluster",
                                description="Start a local Dask cluster (scheduler and worker "
                                            "processes) for newsdex.cluster.ShardedArchive.")
    p.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    p.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8786, help="scheduler port (default 8786; 0 picks "
                                                          "a free one)")
    p.add_argument("--memory-limit", default="auto",
                   help="memory per worker, e.g. 2GB (default: RAM / workers)")
    a = p.parse_args(argv)
    from distributed import LocalCluster

    cluster = LocalCluster(n_workers=a.workers, threads_per_worker=a.threads, processes=True,
                           host=a.host, scheduler_port=a.port, dashboard_address=None,
                           memory_limit=a.memory_limit)
    print(f"newsdex cluster: scheduler at {cluster.scheduler_address} with {a.workers} workers "
          f"of {a.threads} thread(s); Ctrl-C stops it", flush=True)
    print(f"  from distributed import Client; client = Client({cluster.scheduler_address!r})",
          flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    try:
        while not stop:
            signal.pause()
    except KeyboardInterrupt:
        pass
    cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
