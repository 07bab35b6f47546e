#!/bin/bash
# Turn a fresh Raspberry Pi OS Lite (bookworm, 64-bit) into a Madoguchi counter unit. Run as root from a
# copy of the project on the Pi (docs/pi-install.md):
#   provisioning/pi/install.sh --profile device_profiles/pi5-standard.toml --program-otp
# A second run upgrades the agent and rewrites the service files; it keeps the data volume and enrolment.
# --files-only installs only the scripts, units and configuration, under $ROOT (the tests use it).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE=$(cd "$HERE/../.." && pwd)
ROOT=${ROOT:-}
PROFILE=""
KEY_SOURCE=otp
FILES_ONLY=0
VOLUME_MB=512
PACKAGES=(
    python3-venv python3-dev gcc pkg-config swig libpcsclite-dev  # the agent's venv; pyscard compiles
    pcscd python3-picamera2 fonts-noto-cjk                         # card reader, camera, slip fonts
    cage curl                                                      # the kiosk screen's compositor
    cryptsetup-bin                                                 # the encrypted data volume
)

usage() {
    echo "usage: install.sh --profile FILE [--program-otp | --key-file-fallback] [--volume-mb N] [--files-only]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --profile) PROFILE=${2:?}; shift 2 ;;
        --program-otp) KEY_SOURCE=program-otp; shift ;;
        --key-file-fallback) KEY_SOURCE=key-file; shift ;;
        --volume-mb) VOLUME_MB=${2:?}; shift 2 ;;
        --files-only) FILES_ONLY=1; shift ;;
        *) usage ;;
    esac
done
[ -f "$PROFILE" ] || usage

install_packages() {
    local browser=chromium
    apt-get update
    if apt-cache show chromium-browser >/dev/null 2>&1; then
        browser=chromium-browser  # Raspberry Pi OS's build, with its hardware video decoding
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}" "$browser"
}

create_users() {
    id madoguchi >/dev/null 2>&1 ||
        useradd --system --home-dir /var/lib/madoguchi-edge --no-create-home --shell /usr/sbin/nologin madoguchi
    usermod --append --groups video,lp,dialout,plugdev madoguchi
    id kiosk >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin kiosk
    usermod --append --groups video,render,input kiosk
}

install_agent() {
    # System site packages: picamera2 and libcamera come from Raspberry Pi OS's packages, not from PyPI.
    [ -x /opt/madoguchi/venv/bin/python ] || python3 -m venv --system-site-packages /opt/madoguchi/venv
    /opt/madoguchi/venv/bin/pip install --upgrade "$SOURCE"
}

install_files() {
    install -d -m 0755 "$ROOT/usr/local/lib/madoguchi" "$ROOT/etc/systemd/system" "$ROOT/etc/pam.d"
    install -d -m 0755 "$ROOT/opt/madoguchi/docs"
    install -d -m 0750 "$ROOT/etc/madoguchi"
    install -m 0755 "$HERE"/bin/* "$ROOT/usr/local/lib/madoguchi/"
    install -m 0644 "$HERE"/systemd/*.service "$ROOT/etc/systemd/system/"
    install -m 0644 "$HERE/pam-cage" "$ROOT/etc/pam.d/cage"
    install -m 0644 "$PROFILE" "$ROOT/etc/madoguchi/profile.toml"
    install -m 0644 "$SOURCE/docs/pi-install.md" "$ROOT/opt/madoguchi/docs/pi-install.md"
}

prepare_device_key() {
    case "$KEY_SOURCE" in
        otp)
            rpi-otp-private-key -c >/dev/null ||
                { echo "install.sh: this Pi has no OTP device key; see --program-otp in docs/pi-install.md" >&2; exit 1; }
            ;;
        program-otp)
            # Irreversible: the key is burnt into this board's OTP memory and can never be changed.
            rpi-otp-private-key -c >/dev/null || rpi-otp-private-key -y -w "$(openssl rand -hex 32)"
            ;;
        key-file)
            [ -f /etc/madoguchi/data-volume.key ] ||
                (umask 077 && head -c 32 /dev/urandom > /etc/madoguchi/data-volume.key)
            ;;
    esac
}

enable_services() {
    systemctl daemon-reload
    systemctl enable pcscd.socket madoguchi-unlock.service madoguchi-firstboot.service \
        madoguchi-edge.service madoguchi-kiosk.service
    systemctl set-default graphical.target
}

if [ "$FILES_ONLY" = 1 ]; then
    install_files
    exit 0
fi
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
[ -z "$ROOT" ] || { echo "install.sh: ROOT is only for --files-only" >&2; exit 1; }
install_packages
create_users
install_agent
install_files
prepare_device_key
[ -e /var/lib/madoguchi-edge.luks ] || /usr/local/lib/madoguchi/data-volume create "$VOLUME_MB"
enable_services
echo "install.sh: done. Put madoguchi-enrol.conf (central=URL, token=TOKEN) on the boot partition and reboot."
