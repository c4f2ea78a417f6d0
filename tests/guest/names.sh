# Guest script: one place per strategy. The strategies the module runs for strategy=all (its
# table), the valid names its refusal lists, and the names in its modinfo description must be
# the same list; likewise for the modes. Fails if a strategy or mode is missing from either.
. /guest-lib.sh

# The `parm=NAME:` .modinfo string of the module file (NUL-terminated entries).
modinfo_desc() { tr '\0' '\n' < "$KO" | sed -n "s/^parm=$1://p" | head -n1; }

for p in strategy mode; do
  dmesg -c >/dev/null
  if [ "$p" = strategy ]; then
    load strategy=all mode=lookup loops=1 runs=1 warmup=0 sites=1; key=strategies
  else
    load strategy=noop mode=all loops=1 runs=1 warmup=0 sites=1 threads=1; key=modes
  fi
  unload
  table=$(dmesg | sed -n "s/.* start .*$key=\([^ ]*\).*/\1/p" | head -n1)
  [ -n "$table" ] || fail "no $key= on the start line"
  if [ "$p" = strategy ]; then
    offers=$(dmesg | sed -n 's/.* offers strategies=\([^ ]*\).*/\1/p' | head -n1)
    [ "$offers" = "$table" ] || fail "the offers line lists '$offers', the table is '$table'"
  fi
  dmesg -c >/dev/null
  expect_einval "$p=bogus"
  valid=$(dmesg | sed -n "s/.*error param=$p value=bogus valid=all|\([^ ]*\).*/\1/p" | head -n1)
  desc=$(modinfo_desc "$p")
  say "names: $p: table=$table valid=$valid modinfo='$desc'"
  [ "$valid" = "$table" ] || fail "$p: the refusal lists '$valid', the table is '$table'"
  case $desc in *" $table,"*|*" $table "*) ;; *) fail "$p: modinfo text does not list '$table': $desc" ;; esac
  for n in $(echo "$table" | tr , ' '); do
    case ",$valid," in *",$n,"*) ;; *) fail "$p: $n missing from the valid names" ;; esac
  done
done
say "names: strategy and mode lists agree between the table, the refusal and modinfo"
