# Packages: `make deb` builds libpam-twofa_<version>_<arch>.deb with
# dpkg-buildpackage, `make rpm` builds the RPM from packaging/rpm/ with
# rpmbuild (Debian's `rpm` package can do it), `make lint-deb` runs lintian.
# Both build from a copy of the source tree under $(BUILD), so the working
# tree stays clean. Results land in $(BUILD)/.

PACKAGING_PACKAGES := debhelper dpkg-dev fakeroot lintian rpm
TEST_PACKAGES	+= $(PACKAGING_PACKAGES)

DEB_ARCH	 = $(shell dpkg --print-architecture)
DEB_FILE	 = $(BUILD)/libpam-twofa_$(VERSION)_$(DEB_ARCH).deb
DEB_WORK	:= $(BUILD)/deb
DEB_TREE	:= $(DEB_WORK)/libpam-twofa-$(VERSION)
RPM_WORK	:= $(BUILD)/rpm
RPM_TARBALL	:= $(RPM_WORK)/SOURCES/pam_twofa-$(VERSION).tar.gz

# The source tree as shipped: everything but build output and VCS data.
PKG_SRC_EXCLUDES := --exclude=./.git --exclude='./$(BUILD)' --exclude=./build \
		    --exclude='*.o' --exclude='*.d' --exclude=./bench/work \
		    --exclude=./fuzz/artifacts --exclude=__pycache__

.PHONY: deb rpm lint-deb packaging-versions

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

deb: packaging-versions
	rm -rf $(DEB_WORK)
	mkdir -p $(DEB_TREE)
	tar -cf - $(PKG_SRC_EXCLUDES) . | tar -xf - -C $(DEB_TREE)
	rm -rf $(DEB_TREE)/debian
	cp -a packaging/debian $(DEB_TREE)/debian
	cd $(DEB_TREE) && dpkg-buildpackage -b -us -uc -j2
	cp $(DEB_WORK)/libpam-twofa_$(VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "built $(DEB_FILE)"

# Warnings fail too; each accepted one is overridden with its reason in
# packaging/debian/libpam-twofa.lintian-overrides.
lint-deb: deb
	lintian --fail-on error,warning --info \
		$(DEB_WORK)/libpam-twofa_$(VERSION)_$(DEB_ARCH).changes

# rpmbuild on Debian has no RPM database of build dependencies, hence
# --nodeps; on Fedora or RHEL, run `rpmbuild -ta` on the tarball instead.
rpm: packaging-versions
	rm -rf $(RPM_WORK)
	mkdir -p $(RPM_WORK)/SOURCES $(RPM_WORK)/src/pam_twofa-$(VERSION)
	tar -cf - $(PKG_SRC_EXCLUDES) . | tar -xf - -C $(RPM_WORK)/src/pam_twofa-$(VERSION)
	tar -czf $(RPM_TARBALL) -C $(RPM_WORK)/src pam_twofa-$(VERSION)
	rpmbuild -bb --nodeps --define '_topdir $(abspath $(RPM_WORK))' \
		packaging/rpm/pam_twofa.spec
	cp $(RPM_WORK)/RPMS/*/pam_twofa-$(VERSION)-*.rpm $(BUILD)/
	@ls $(BUILD)/pam_twofa-$(VERSION)-*.rpm
