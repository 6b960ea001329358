modprobe bridge && modprobe veth &&
ip link add br0 type bridge stp_state 1 && ip link set br0 address 02:00:00:00:00:01 &&
ip link add veth0 type veth peer name veth1 && ip link set veth0 address 02:00:00:00:00:02 &&
ip link set veth0 master br0 && ip link set veth1 up && ip link set veth0 up && ip link set br0 up &&
$TAPIO -T 20 $KO; rc=$?; ip link del veth0; ip link del br0; exit $rc
