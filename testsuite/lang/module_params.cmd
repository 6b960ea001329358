$TAPIO -c 'ls /' $KO | grep -v -x '[a-z0-9._+-]*'
