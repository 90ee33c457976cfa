# SPDX-License-Identifier: BSD-2-Clause
# Packages: `make deb` builds libpam-twofa_<version>_<arch>.deb and the
# source package (libpam-twofa_<version>.dsc and .tar.xz, in $(BUILD)/deb;
# debian/rules runs the unit tests) with dpkg-buildpackage, `make rpm` builds the RPM from packaging/rpm/ with
# rpmbuild (Debian's `rpm` package can do it), `make lint-deb` runs lintian.
# Both build from a copy of the source tree under $(BUILD), so the working
# tree stays clean. Results land in $(BUILD)/. `make check-packaging` (part
# of `make check`) builds both, runs lintian, and checks a staged
# `make install DESTDIR=`.

PACKAGING_PACKAGES := debhelper dpkg-dev fakeroot lintian rpm
TEST_PACKAGES	+= $(PACKAGING_PACKAGES)
CHECK_TARGETS	+= check-packaging

DEB_ARCH	:= $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE	:= $(BUILD)/libpam-twofa_$(VERSION)_$(DEB_ARCH).deb
DEB_WORK	:= $(BUILD)/deb
DEB_TREE	:= $(DEB_WORK)/libpam-twofa-$(VERSION)
RPM_WORK	:= $(BUILD)/rpm
RPM_TARBALL	:= $(RPM_WORK)/SOURCES/pam_twofa-$(VERSION).tar.gz

# The source tree as shipped: everything but build output and VCS data.
PKG_SRC_EXCLUDES := --exclude=./.git --exclude='./$(BUILD)' --exclude='./build*' \
		    --exclude='*.o' --exclude='*.d' --exclude=./bench/work \
		    --exclude=./fuzz/artifacts --exclude=__pycache__

# The .deb is rebuilt when anything that goes into it changed.
PKG_INPUTS	:= $(shell find Makefile LICENSE lib include pam_module admin_tool man \
			packaging tools README.md -type f 2>/dev/null)

.PHONY: deb rpm lint-deb packaging-versions check-packaging

# The version lives in the Makefile; the changelog and spec must agree.
packaging-versions:
	@v=$$(dpkg-parsechangelog -l packaging/debian/changelog -S Version); \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "packaging/debian/changelog says $$v, Makefile VERSION is $(VERSION)" >&2; \
		exit 1; fi
	@v=$$(sed -n 's/^Version:[[:space:]]*//p' packaging/rpm/pam_twofa.spec); \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "packaging/rpm/pam_twofa.spec says $$v, Makefile VERSION is $(VERSION)" >&2; \
		exit 1; fi

deb: $(DEB_FILE)

$(DEB_FILE): $(PKG_INPUTS)
	sh tools/install-deps.sh $(sort $(BUILD_PACKAGES) debhelper dpkg-dev fakeroot libcmocka-dev)
	$(MAKE) --no-print-directory packaging-versions
	rm -rf $(DEB_WORK)
	mkdir -p $(DEB_TREE)
	tar -cf - $(PKG_SRC_EXCLUDES) . | tar -xf - -C $(DEB_TREE)
	rm -rf $(DEB_TREE)/debian
	cp -a packaging/debian $(DEB_TREE)/debian
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -j2
	cp $(DEB_WORK)/libpam-twofa_$(VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "built $(DEB_FILE)"

# The .changes names the binary and the source package (.dsc, .tar.xz):
# lintian checks both with --pedantic, and any tag fails, down to info and
# pedantic ones; each accepted one is overridden with its reason in
# packaging/debian/libpam-twofa.lintian-overrides (binary) or
# packaging/debian/source/lintian-overrides (source).
lint-deb: $(DEB_FILE)
	sh tools/install-deps.sh lintian
	lintian --pedantic --display-info --fail-on error,warning,info,pedantic \
		$(DEB_WORK)/libpam-twofa_$(VERSION)_$(DEB_ARCH).changes
	@test -f $(DEB_WORK)/libpam-twofa_$(VERSION).dsc
	@echo "lintian --pedantic: binary and source package clean"

# rpmbuild on Debian has no RPM database of build dependencies, hence
# --nodeps; on Fedora or RHEL, run `rpmbuild -ta` on the tarball instead.
rpm: packaging-versions
	sh tools/install-deps.sh rpm
	rm -rf $(RPM_WORK)
	mkdir -p $(RPM_WORK)/SOURCES $(RPM_WORK)/src/pam_twofa-$(VERSION)
	tar -cf - $(PKG_SRC_EXCLUDES) . | tar -xf - -C $(RPM_WORK)/src/pam_twofa-$(VERSION)
	tar -czf $(RPM_TARBALL) -C $(RPM_WORK)/src pam_twofa-$(VERSION)
	rpmbuild -bb --nodeps --define '_topdir $(abspath $(RPM_WORK))' \
		packaging/rpm/pam_twofa.spec
	cp $(RPM_WORK)/RPMS/*/pam_twofa-$(VERSION)-*.rpm $(BUILD)/
	@ls $(BUILD)/pam_twofa-$(VERSION)-*.rpm

# make install into a staging root: everything in place with the right modes.
STAGE		:= $(BUILD)/stage
check-packaging: lint-deb rpm
	sh tools/check-spdx.sh
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(STAGE)) PREFIX=/usr/local \
		PAMDIR=/lib/security >/dev/null
	@set -e; cd $(STAGE); for want in \
		"644 lib/security/pam_twofa.so" "755 usr/local/sbin/twofa-admin" \
		"644 usr/local/share/man/man5/twofa.5" "644 usr/local/share/man/man8/pam_twofa.8" \
		"644 usr/local/share/man/man8/twofa-admin.8" "700 var/lib/twofa" \
		"755 etc/twofa"; do \
		set -- $$want; got=$$(stat -c %a "$$2" 2>/dev/null || echo missing); \
		if [ "$$got" != "$$1" ]; then echo "make install: $$2 is $$got, want $$1" >&2; exit 1; fi; \
	done; echo "make install DESTDIR=: all files in place with the right modes"
	@dpkg-deb -c $(DEB_FILE) | grep ' ./usr/share/pam-configs/twofa$$' >/dev/null
	@dpkg-deb -c $(DEB_FILE) | grep '^drwx------ root/root .* ./var/lib/twofa/$$' >/dev/null
	@echo "$(DEB_FILE): pam-auth-update profile and a 0700 store inside"
	@# Nettle: linked into the .deb's module (Built-Using names the very
	@# nettle it came from), loaded as libnettle.so by the RPM's.
	@want="nettle (= $$(dpkg-query -W -f '$${source:Version}' nettle-dev))"; \
	got=$$(dpkg-deb -f $(DEB_FILE) Built-Using); \
	if [ "$$got" != "$$want" ]; then \
		echo "$(DEB_FILE): Built-Using is '$$got', want '$$want'" >&2; exit 1; fi; \
	x=$(DEB_WORK)/x; rm -rf $$x; dpkg-deb -x $(DEB_FILE) $$x; \
	so=$$(find $$x -name pam_twofa.so); \
	if [ -z "$$so" ] || readelf -d $$so | grep -q 'NEEDED.*libnettle'; then \
		echo "$(DEB_FILE): its pam_twofa.so loads libnettle.so, or is missing" >&2; exit 1; fi; \
	rm -rf $$x; \
	rpm -qp --requires $(BUILD)/pam_twofa-$(VERSION)-*.rpm | grep -q '^libnettle\.so\.8' || \
		{ echo "the RPM's module does not load libnettle.so.8 (NETTLE_LINK=shared)" >&2; exit 1; }; \
	echo "Nettle: linked in with Built-Using: $$got; the RPM loads libnettle.so.8"
