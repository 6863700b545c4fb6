//! Designs for PowerShell scripts, macOS shell scripts, custom attributes and remediations.
//! Bodies are realistic and base64-encoded as the service returns them on GET by id.

use super::b64;
use super::intune::merge;
use super::portfolio::{all_devices, exclude, group, Proto};
use serde_json::{json, Value};

pub(crate) fn designs(kind: &str) -> Vec<Proto> {
    match kind {
        "deviceManagementScripts" => powershell(),
        "deviceShellScripts" => shell(),
        "deviceCustomAttributeShellScripts" => custom_attributes(),
        _ => remediations(),
    }
}

fn script(
    odata: &str,
    name: &str,
    description: &str,
    file: &str,
    body: &str,
    golden: bool,
    extra: Value,
) -> Proto {
    Proto::new(
        merge(
            json!({
                "@odata.type": format!("#microsoft.graph.{odata}"),
                "id": "$id",
                "displayName": name,
                "description": description,
                "scriptContent": b64(body),
                "createdDateTime": "$created",
                "lastModifiedDateTime": "$modified",
                "runAsAccount": "system",
                "fileName": file,
                "roleScopeTagIds": ["0"],
            }),
            extra,
        ),
        golden,
    )
}

const PS_HEADER: &str = "<#\n.SYNOPSIS\n    Managed by the MSP. Do not edit in the tenant; change the source in the MSP repository.\n#>\n$ErrorActionPreference = 'Stop'\nStart-Transcript -Path \"$env:ProgramData\\Microsoft\\IntuneManagementExtension\\Logs\\MSP-Scripts.log\" -Append | Out-Null\n";

fn powershell() -> Vec<Proto> {
    let ps = |name: &str, description: &str, file: &str, body: &str, golden: bool| {
        let body = format!("{PS_HEADER}{body}\nStop-Transcript | Out-Null\n");
        script(
            "deviceManagementScript",
            name,
            description,
            file,
            &body,
            golden,
            json!({"enforceSignatureCheck": false, "runAs32Bit": false}),
        )
    };
    vec![
        ps("MSP - Win - Set Time Zone", "Sets the time zone from the MSP default", "Set-TimeZone.ps1", "Set-TimeZone -Id 'W. Europe Standard Time'\nWrite-Output \"Time zone set to $((Get-TimeZone).Id)\"", true)
            .to(vec![group("SG-Intune-Windows-Devices")]),
        ps("MSP - Win - Remove Consumer Apps", "Removes provisioned consumer apps", "Remove-ConsumerApps.ps1", "$apps = @('Microsoft.BingNews','Microsoft.GamingApp','Microsoft.XboxGamingOverlay','Microsoft.ZuneMusic','Microsoft.MicrosoftSolitaireCollection')\nforeach ($app in $apps) {\n    Get-AppxProvisionedPackage -Online | Where-Object DisplayName -eq $app | Remove-AppxProvisionedPackage -Online | Out-Null\n    Write-Output \"Removed $app\"\n}", true)
            .to(vec![group("SG-Intune-Autopilot-Devices")]),
        ps("MSP - Win - Configure Power Plan", "High performance on AC, balanced on battery", "Set-PowerPlan.ps1", "powercfg /change standby-timeout-ac 60\npowercfg /change standby-timeout-dc 15\npowercfg /change monitor-timeout-ac 15\npowercfg /hibernate off", true)
            .to(vec![all_devices().filter("MSP - Win - Virtual machines", "exclude")]),
        ps("MSP - Win - Backup BitLocker Key to Entra ID", "Escrows the BitLocker recovery password", "Backup-BitLockerKey.ps1", "$volume = Get-BitLockerVolume -MountPoint $env:SystemDrive\n$protector = $volume.KeyProtector | Where-Object KeyProtectorType -eq 'RecoveryPassword'\nif ($protector) {\n    BackupToAAD-BitLockerKeyProtector -MountPoint $env:SystemDrive -KeyProtectorId $protector.KeyProtectorId\n}", true)
            .to(vec![group("SG-Intune-Windows-Devices"), exclude("SG-Intune-Excluded-Devices")]),
        ps("Map Network Drives", "Maps the S: and P: drives", "Map-Drives.ps1", "New-PSDrive -Name S -PSProvider FileSystem -Root '\\\\fs01\\shared' -Persist\nNew-PSDrive -Name P -PSProvider FileSystem -Root '\\\\fs01\\projects' -Persist", false)
            .to(vec![group("SG-Finance-Users")]),
        ps("Install Printer - Floor 2", "Adds the floor 2 printer", "Add-Printer.ps1", "Add-Printer -ConnectionName '\\\\print01\\Floor2-MFP'", false),
    ]
}

const SH_HEADER: &str = "#!/bin/zsh\n# Managed by the MSP. Logs to /Library/Logs/Microsoft/IntuneScripts\nlogdir=\"/Library/Logs/Microsoft/IntuneScripts/$(basename \"$0\")\"\nmkdir -p \"$logdir\"\nexec > >(tee -a \"$logdir/script.log\") 2>&1\n";

fn shell() -> Vec<Proto> {
    let sh = |name: &str,
              description: &str,
              file: &str,
              body: &str,
              golden: bool,
              frequency: &str| {
        let body = format!("{SH_HEADER}{body}\n");
        script(
            "deviceShellScript",
            name,
            description,
            file,
            &body,
            golden,
            json!({"executionFrequency": frequency, "retryCount": 3, "blockExecutionNotifications": true}),
        )
    };
    vec![
        sh("MSP - macOS - Install Company Portal", "Installs Company Portal from the signed PKG", "install-company-portal.sh", "weburl=\"https://go.microsoft.com/fwlink/?linkid=853070\"\ntmp=$(mktemp -d)\ncurl -sSL -o \"$tmp/cp.pkg\" \"$weburl\"\ninstaller -pkg \"$tmp/cp.pkg\" -target /\nrm -rf \"$tmp\"", true, "PT0S")
            .to(vec![group("SG-Intune-macOS-Devices")]),
        sh("MSP - macOS - Escrow Buddy", "Installs Escrow Buddy to regenerate FileVault keys", "install-escrow-buddy.sh", "url=\"https://github.com/macadmins/escrow-buddy/releases/latest/download/Escrow.Buddy.pkg\"\ncurl -sSL -o /tmp/escrowbuddy.pkg \"$url\"\ninstaller -pkg /tmp/escrowbuddy.pkg -target /\ndefaults write /Library/Preferences/com.netflix.Escrow-Buddy.plist GenerateNewKey -bool true", true, "PT0S")
            .to(vec![group("SG-Intune-macOS-Devices")]),
        sh("MSP - macOS - Set Computer Name", "Names the Mac after its serial number", "set-computer-name.sh", "serial=$(ioreg -c IOPlatformExpertDevice -d 2 | awk -F\\\" '/IOPlatformSerialNumber/{print $(NF-1)}')\nscutil --set ComputerName \"MAC-$serial\"\nscutil --set HostName \"MAC-$serial\"\nscutil --set LocalHostName \"MAC-$serial\"", true, "P1D")
            .to(vec![group("SG-Intune-macOS-Devices")]),
        sh("macOS - Dock Setup", "Adds company apps to the Dock", "dock-setup.sh", "dockutil --remove all --no-restart\ndockutil --add '/Applications/Microsoft Outlook.app' --no-restart\ndockutil --add '/Applications/Microsoft Teams.app'", false, "PT0S"),
    ]
}

fn custom_attributes() -> Vec<Proto> {
    let attr = |name: &str,
                attribute: &str,
                attribute_type: &str,
                file: &str,
                body: &str,
                golden: bool| {
        let body = format!("#!/bin/bash\n{body}\n");
        script(
            "deviceCustomAttributeShellScript",
            name,
            "Reported as a custom attribute in Intune",
            file,
            &body,
            golden,
            json!({"customAttributeName": attribute, "customAttributeType": attribute_type}),
        )
    };
    vec![
        attr("MSP - macOS - Intune Agent Version", "IntuneAgentVersion", "string", "cat-intune-agent-version.sh", "plist=\"/Library/Intune/Microsoft Intune Agent.app/Contents/Info.plist\"\nif [[ -f \"$plist\" ]]; then\n    defaults read \"$plist\" CFBundleShortVersionString\nelse\n    echo \"not installed\"\nfi", true)
            .to(vec![group("SG-Intune-macOS-Devices")]),
        attr("MSP - macOS - FileVault Status", "FileVaultStatus", "string", "cat-filevault-status.sh", "fdesetup status | head -1", true)
            .to(vec![group("SG-Intune-macOS-Devices")]),
        attr("macOS - Battery Cycle Count", "BatteryCycleCount", "integer", "cat-battery-cycles.sh", "system_profiler SPPowerDataType | awk '/Cycle Count/{print $3}'", false),
    ]
}

fn remediations() -> Vec<Proto> {
    let pair = |name: &str, description: &str, detect: &str, fix: &str, golden: bool| {
        Proto::new(
            json!({
                "@odata.type": "#microsoft.graph.deviceHealthScript",
                "id": "$id",
                "publisher": "MSP Service Desk",
                "version": "$versionText",
                "displayName": name,
                "description": description,
                "detectionScriptContent": b64(&format!("{detect}\n")),
                "remediationScriptContent": b64(&format!("{fix}\n")),
                "createdDateTime": "$created",
                "lastModifiedDateTime": "$modified",
                "runAsAccount": "system",
                "enforceSignatureCheck": false,
                "runAs32Bit": false,
                "roleScopeTagIds": ["0"],
                "isGlobalScript": false,
                "highestAvailableVersion": null,
                "deviceHealthScriptType": "deviceHealthScript",
                "detectionScriptParameters": [],
                "remediationScriptParameters": [],
            }),
            golden,
        )
    };
    vec![
        pair("MSP - Win - Pending Reboot", "Prompts a restart when a reboot has been pending for 7 days",
            "$boot = (Get-CimInstance Win32_OperatingSystem).LastBootUpTime\nif (((Get-Date) - $boot).Days -ge 7) { Write-Output 'Uptime over 7 days'; exit 1 }\nexit 0",
            "shutdown.exe /r /t 3600 /c \"Your device will restart in 60 minutes to finish installing updates.\"\nexit 0", true)
            .to(vec![group("SG-Intune-Windows-Devices")]),
        pair("MSP - Win - Clear Teams Cache", "Clears the new Teams cache when it exceeds 1 GB",
            "$path = \"$env:LOCALAPPDATA\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache\"\n$size = (Get-ChildItem $path -Recurse -ErrorAction SilentlyContinue | Measure-Object Length -Sum).Sum\nif ($size -gt 1GB) { exit 1 }\nexit 0",
            "Get-Process ms-teams -ErrorAction SilentlyContinue | Stop-Process -Force\nRemove-Item \"$env:LOCALAPPDATA\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache\\*\" -Recurse -Force\nexit 0", true)
            .to(vec![group("SG-Intune-All-Users")]),
        pair("MSP - Win - Free Disk Space", "Cleans temp folders when less than 10 GB is free",
            "$free = (Get-PSDrive C).Free\nif ($free -lt 10GB) { Write-Output \"Low disk: $([math]::Round($free/1GB,1)) GB\"; exit 1 }\nexit 0",
            "Remove-Item \"$env:windir\\Temp\\*\" -Recurse -Force -ErrorAction SilentlyContinue\nStart-Process cleanmgr.exe -ArgumentList '/sagerun:1' -Wait\nexit 0", true)
            .to(vec![group("SG-Intune-Windows-Devices")]),
        pair("MSP - Win - Windows Update Service", "Restarts wuauserv when it is disabled",
            "$svc = Get-Service wuauserv\nif ($svc.StartType -eq 'Disabled') { exit 1 }\nexit 0",
            "Set-Service wuauserv -StartupType Manual\nStart-Service wuauserv\nexit 0", true)
            .to(vec![all_devices()]),
        pair("Win - Reset Outlook Profile", "One-off fix after the mailbox migration",
            "if (Test-Path 'HKCU:\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook-Old') { exit 1 }\nexit 0",
            "Remove-Item 'HKCU:\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook-Old' -Recurse -Force\nexit 0", false),
    ]
}
