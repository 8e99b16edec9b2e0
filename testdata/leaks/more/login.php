<?php
$params = ['grant_type' => 'password', 'client_id' => '3MVG9W_uwlWXxdjm2IogKRDPfhIg8Ez9oP0ZV1YUgHNMqhQY_CIb27Mxm85v0eqHp2ERuLGQZl3NAcZCf_jCm', 'client_secret' => 'EB4E60EBF4C74EFD7E3AD68D81A7175BCEDC132202CA138704B95AB5984BF248',
  'username' => 'api@acme.example', 'password' => 'Xk29dkq0vB71aQphY4P0sNw33FXudKGgzz34'];
