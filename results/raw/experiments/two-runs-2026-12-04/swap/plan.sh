. /guest-lib.sh
for i in 1 2; do
load strategy=macro,location,pool,tracked mode=lookup,init,acquire sites=64 loops=100000 runs=5 warmup=1
unload
done
