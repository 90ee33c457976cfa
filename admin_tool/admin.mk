# twofa-admin (filled in by the admin tool work)
