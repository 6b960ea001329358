modprobe veth && ip link add veth0 type veth peer name veth1 &&
ip link set veth0 address 02:00:00:00:00:02 && ip link set veth1 address 02:00:00:00:00:03 &&
ip addr add 10.0.0.1/24 dev veth0 && ip link set veth1 up && ip link set veth0 up &&
$TAPIO -T 20 -c "$WORKLOAD sendto 3 10.0.0.3" $KO; rc=$?; ip link del veth0; exit $rc
