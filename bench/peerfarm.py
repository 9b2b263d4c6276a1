"""Holds TCP connections whose server ends each have a distinct peer address, the worst case
for per-peer counting (a flood from many sources): WORKERS processes, each with a listener on
127.0.0.1:(PORT + i) and PER connections from 127.(i+1).x.y, one source address each.

    ip netns exec NS python3 bench/peerfarm.py 10 5000 30000   # 100k sockets, 50k peers

Prints "ready" once every worker holds its connections, then holds them until killed.
"""
import os, resource, socket, sys, time

workers, per, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
ready_r, ready_w = os.pipe()
for i in range(workers):
    if os.fork() == 0:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port + i))
        listener.listen(4096)
        held = []
        for j in range(per):
            client = socket.socket()
            client.bind(("127.%d.%d.%d" % (i + 1, j // 250, 1 + j % 250), 0))
            client.connect(("127.0.0.1", port + i))
            held.extend([client, listener.accept()[0]])
        os.write(ready_w, b"x")
        time.sleep(86400)
        os._exit(0)
done = 0
while done < workers:
    done += len(os.read(ready_r, workers))
print("ready", flush=True)
time.sleep(86400)
