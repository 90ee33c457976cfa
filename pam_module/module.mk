# pam_twofa.so (filled in by the module work)
