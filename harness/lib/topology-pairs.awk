# Read `p2prig topology-tree show TREE` and print, for every edu of the
# tree, its pair with the CMB's NVMe (nvme-cmb) as the matrix needs it,
# tab-separated:
#
#   EDU  BDF  PATH_KIND  DEPTH  ACS  SIGNATURE
#
# BDF: where the edu sits. SeaBIOS numbers buses depth first with no
# reservation: every port (root port, switch upstream and downstream port)
# takes the next secondary bus in the order `show` prints them, an
# expander (pxb) starts at its own bus_nr; a device is 00.0 on its port's
# secondary bus, a downstream port is on its switch's internal bus at the
# slot of its position.
# PATH_KIND: same-switch (both on downstream ports of one switch),
# sibling-switches (each under its own switch below a common one),
# outer-switch (the edu on a switch above the provider's), inner-switch
# (below it), root-ports (one host bridge, no common bridge), host-bridges.
# DEPTH: switches above the provider / above the edu.
# ACS: the root ports' ACS (provider's/edu's) when the pair's path crosses
# them, "-" when it stays below a common switch.
# SIGNATURE: the pair's path as the doctor lists it (result.json
# doctor.pairs[].pair.path without the host bridges): ID@BUS:DEV per
# node, "??" for a root port's slot on its host bridge's bus, which QEMU
# picks among the machine's other devices.
function indent_of(s) { match(s, /^ */); return RLENGTH / 2 }
function node_text(n) {
	return id[n] "@" sprintf("%02x", bus[n]) ":" (kind[n] == "rp" ? "??" : sprintf("%02x", slot[n]))
}
function switches_above(n, c) {
	for (c = 0; parent[n] != ""; n = parent[n]) c += kind[n] == "usp"
	return c
}
function root_port(n) {
	while (kind[n] != "rp") n = parent[n]
	return n
}
# Steps from n up to a, or -1 when a is not above n.
function steps_to(n, a, s) {
	for (s = 0; n != ""; n = parent[n]) {
		if (n == a) return s
		s++
	}
	return -1
}
function pair_line(p, e, a, sp, se, n, sig, down, pk) {
	# The lowest node above the provider that is above the edu too.
	for (a = parent[p]; kind[a] != "top" && steps_to(e, a) < 0; a = parent[a]) ;
	sp = steps_to(p, a)
	se = steps_to(e, a)
	if (kind[a] == "top") {
		pk = top[p] == top[e] ? "root-ports" : "host-bridges"
		for (n = p; kind[n] != "top"; n = parent[n]) sig = sig (sig == "" ? "" : " ") node_text(n)
		for (n = e; kind[n] != "top"; n = parent[n]) down = node_text(n) (down == "" ? "" : " ") down
		acs_text = acs[root_port(p)] "/" acs[root_port(e)]
	} else {
		if (sp == 2 && se == 2) pk = "same-switch"
		else if (sp > 2 && se > 2) pk = "sibling-switches"
		else if (se == 2) pk = "outer-switch"
		else pk = "inner-switch"
		for (n = p; n != a; n = parent[n]) sig = sig (sig == "" ? "" : " ") node_text(n)
		sig = sig " " node_text(a)
		for (n = e; n != a; n = parent[n]) down = node_text(n) (down == "" ? "" : " ") down
		acs_text = "-"
	}
	printf "%s\t0000:%02x:00.0\t%s\t%d/%d\t%s\t%s %s\n", e, bus[e], pk,
		switches_above(p), switches_above(e), acs_text, sig, down
}
{
	depth = indent_of($0)
	text = $0
	sub(/^ +/, "", text)
	name = text
	sub(/:.*/, "", name)
	if (match(text, /[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f][0-9a-f][0-9a-f]/))
		id[name] = substr(text, RSTART, RLENGTH)
	if (depth == 0) {
		kind[name] = "top"
		if (text ~ /buses from /) {
			last = text
			sub(/.*buses from /, "", last)
			last += 0
		} else {
			last = 0
		}
		secondary[name] = last
		stack[0] = name
		next
	}
	parent[name] = stack[depth - 1]
	stack[depth] = name
	top[name] = stack[0]
	bus[name] = secondary[parent[name]]
	slot[name] = children[parent[name]]++
	if (text ~ /root port/) kind[name] = "rp"
	else if (text ~ /upstream port/) kind[name] = "usp"
	else if (text ~ /downstream port/) kind[name] = "dsp"
	else kind[name] = "device"
	if (kind[name] != "device") secondary[name] = ++last
	if (kind[name] == "rp") acs[name] = text ~ /ACS off/ ? "off" : "on"
	if (kind[name] == "device") order[++devices] = name
}
END {
	for (i = 1; i <= devices; i++) if (order[i] == "nvme-cmb") provider = order[i]
	if (provider == "") {
		print "the tree has no nvme-cmb" >"/dev/stderr"
		exit 1
	}
	for (i = 1; i <= devices; i++) if (order[i] ~ /^edu/) pair_line(provider, order[i])
}
