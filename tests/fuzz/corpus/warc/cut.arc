filedesc://t.arc 0.0.0.0 20190305100000 text/plain 65
1 0 Test
URL IP-address Archive-date Content-type Archive-length

http://n.example.com/a b 1.2.3.4 20190305100000 text/html 785
HTTP/1.0 200 OK
Content-Type: text/html

<html><head><title>Harbour bridge</title></head><body><article><h1>Harbour bridge</h1><p>The city council voted to approve the new harbour bridge after a decade of debate. The city council voted to approve the new harbour bridge after a decade of debate. The city council voted to approve the new harbour bridge after a decade of debate. The city council voted to approve the new harbour bridge after a decade of debate. </p><p>Ferry operators warned that the bridge would cut their traffic by half. Ferry operators warned that the bridge would cut their traffic by half. Ferry operators warned that the bridge would cut their traffic by half. Ferry operators warned that the bridge would cut their traffic by half. </p></article></body></html>
dns:n.example.com 1.2.3.4 20190305100000 text/dns 7
1.2.3.4
http://n.example.com/bad 1.2.3.4 2019 text/html abc

http://n.example.com/c 1.2.3.4 20190305100000 text/html 785
HTTP/1.0 200 OK
Content-Type: text/html

<html><head><title>Harbour bridge</title></head><body><article><h1>Harbour bridge</h1><p>The city council voted to approve the new harbour bridge after a decade of debate. The city council voted to approve the new harbour bridge after a decade of debate. The city council voted to approve the new harbour bridge after a decade of debate. The city council voted to approve the new harbour bridge after a decade of debate. </p><p>Ferry operators warned that the bridge would cut their traffic by half. Ferry operators warned that the bridge would cut their traffic by half. Ferry operators warned that the bridge would cut their traffic by half. Ferry operators warned that the bridge would cut th