<#
.SYNOPSIS
    patchwave's Windows Update helper: asks the Windows Update Agent (WUA) COM API and prints one
    JSON document on standard output.

.DESCRIPTION
    Shipped inside the patchwave agent (wua-script.ts holds this file as a string) and written to a
    private temporary file before it runs:

        powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File wua.ps1 -Action <Action> [-UpdateIds <id,id>] [-KbIds <n,n>]

    Actions:
        Version           WUA's version (Microsoft.Update.AgentInfo)
        Search            updates not installed: IsInstalled=0 and Type='Software' and IsHidden=0
        Install           download, then install the updates named by -UpdateIds and/or -KbIds
        InstalledUpdates  installed updates WUA knows of (offline), with IsUninstallable
        Installed         programs from the Uninstall registry keys, and installed KBs (QFE)
        Reboot            Microsoft.Update.SystemInfo.RebootRequired and the CBS / WindowsUpdate keys

    Arguments are validated here a second time (the agent validates them first) and are only ever
    compared with data: nothing from the command line is evaluated as code. Property names in the
    JSON are WUA's own (IUpdate, ICategory, IUpdateIdentity, IInstallationResult).

    Exit codes: 0 = the JSON describes the result; 1 = the JSON holds an Error object;
    any other code (bad arguments, a policy that blocks scripts) = no JSON.

    This file must stay ASCII: Windows PowerShell 5.1 reads a BOM-less file in the ANSI code page.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)]
    [ValidateSet('Version', 'Search', 'Install', 'InstalledUpdates', 'Installed', 'Reboot')]
    [string]$Action,

    [ValidatePattern('^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(,[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})*$')]
    [string]$UpdateIds = '',

    [ValidatePattern('^[0-9]{1,8}(,[0-9]{1,8})*$')]
    [string]$KbIds = ''
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Criteria = "IsInstalled=0 and Type='Software' and IsHidden=0"
$InstalledCriteria = "IsInstalled=1 and Type='Software'"
$Utf8 = New-Object System.Text.UTF8Encoding($false)
try {
    [Console]::OutputEncoding = $Utf8
} catch {
    # No console (a service): Write-Json writes UTF-8 bytes to the stream itself, so nothing is lost.
    $null = $_
}

function Write-Json([object]$Value) {
    $json = ConvertTo-Json -InputObject $Value -Depth 8 -Compress
    $bytes = $Utf8.GetBytes($json + "`n")
    $stdout = [Console]::OpenStandardOutput()
    $stdout.Write($bytes, 0, $bytes.Length)
    $stdout.Flush()
}

function Get-Strings($Collection) {
    $list = New-Object System.Collections.Generic.List[string]
    if ($null -ne $Collection) {
        foreach ($item in $Collection) { $list.Add([string]$item) }
    }
    return , $list.ToArray()
}

function Split-List([string]$Text) {
    if ([string]::IsNullOrEmpty($Text)) { return , @() }
    return , @($Text.Split(','))
}

function ConvertTo-UpdateRecord($Update) {
    $categories = New-Object System.Collections.Generic.List[object]
    foreach ($c in $Update.Categories) {
        $categories.Add([ordered]@{ Name = [string]$c.Name; CategoryID = [string]$c.CategoryID; Type = [string]$c.Type })
    }
    $deployed = $null
    if ($null -ne $Update.LastDeploymentChangeTime) {
        $deployed = ([datetime]$Update.LastDeploymentChangeTime).ToUniversalTime().ToString('o')
    }
    $severity = $null
    if (-not [string]::IsNullOrEmpty([string]$Update.MsrcSeverity)) { $severity = [string]$Update.MsrcSeverity }
    $behavior = $Update.InstallationBehavior
    return [ordered]@{
        Title                    = [string]$Update.Title
        Identity                 = [ordered]@{ UpdateID = [string]$Update.Identity.UpdateID; RevisionNumber = [int]$Update.Identity.RevisionNumber }
        KBArticleIDs             = (Get-Strings $Update.KBArticleIDs)
        MsrcSeverity             = $severity
        Categories               = $categories.ToArray()
        CveIDs                   = (Get-Strings $Update.CveIDs)
        SecurityBulletinIDs      = (Get-Strings $Update.SecurityBulletinIDs)
        RebootRequired           = [bool]$Update.RebootRequired
        InstallationBehavior     = [ordered]@{ RebootBehavior = [int]$behavior.RebootBehavior; CanRequestUserInput = [bool]$behavior.CanRequestUserInput }
        IsDownloaded             = [bool]$Update.IsDownloaded
        IsMandatory              = [bool]$Update.IsMandatory
        IsUninstallable          = [bool]$Update.IsUninstallable
        EulaAccepted             = [bool]$Update.EulaAccepted
        MaxDownloadSize          = [double]$Update.MaxDownloadSize
        LastDeploymentChangeTime = $deployed
        SupportUrl               = [string]$Update.SupportUrl
    }
}

function New-Searcher([bool]$Online) {
    $session = New-Object -ComObject Microsoft.Update.Session
    $session.ClientApplicationID = 'patchwave'
    $searcher = $session.CreateUpdateSearcher()
    $searcher.Online = $Online
    return @{ Session = $session; Searcher = $searcher }
}

function Invoke-Version {
    $info = New-Object -ComObject Microsoft.Update.AgentInfo
    Write-Json ([ordered]@{
            Action               = 'Version'
            ProductVersionString = [string]$info.GetInfo('ProductVersionString')
            ApiMajorVersion      = [int]$info.GetInfo('ApiMajorVersion')
            ApiMinorVersion      = [int]$info.GetInfo('ApiMinorVersion')
        })
}

function Invoke-Search {
    $ctx = New-Searcher $true
    $result = $ctx.Searcher.Search($Criteria)
    $updates = New-Object System.Collections.Generic.List[object]
    foreach ($u in $result.Updates) { $updates.Add((ConvertTo-UpdateRecord $u)) }
    Write-Json ([ordered]@{ Action = 'Search'; Criteria = $Criteria; ResultCode = [int]$result.ResultCode; Updates = $updates.ToArray() })
}

function Invoke-Install {
    $wantIds = @{}
    foreach ($id in (Split-List $UpdateIds)) { $wantIds[$id.ToLowerInvariant()] = $true }
    $wantKbs = @{}
    foreach ($kb in (Split-List $KbIds)) { $wantKbs[$kb] = $true }
    if ($wantIds.Count + $wantKbs.Count -eq 0) { throw 'Install needs -UpdateIds or -KbIds' }

    $ctx = New-Searcher $true
    $found = $ctx.Searcher.Search($Criteria)
    $collection = New-Object -ComObject Microsoft.Update.UpdateColl
    $matched = @{}
    foreach ($u in $found.Updates) {
        $id = ([string]$u.Identity.UpdateID).ToLowerInvariant()
        $hit = $wantIds.ContainsKey($id)
        foreach ($kb in $u.KBArticleIDs) {
            if ($wantKbs.ContainsKey([string]$kb)) { $hit = $true; $matched['KB' + [string]$kb] = $true }
        }
        if ($hit) {
            $matched[$id] = $true
            if (-not $u.EulaAccepted) { $u.AcceptEula() }
            [void]$collection.Add($u)
        }
    }
    $notFound = New-Object System.Collections.Generic.List[string]
    foreach ($id in $wantIds.Keys) { if (-not $matched.ContainsKey($id)) { $notFound.Add($id) } }
    foreach ($kb in $wantKbs.Keys) { if (-not $matched.ContainsKey('KB' + $kb)) { $notFound.Add('KB' + $kb) } }

    $report = [ordered]@{
        Action                           = 'Install'
        NotFound                         = $notFound.ToArray()
        Download                         = $null
        Install                          = $null
        RebootRequiredBeforeInstallation = $false
        Updates                          = @()
    }
    if ($collection.Count -eq 0) { Write-Json $report; return }

    $downloader = $ctx.Session.CreateUpdateDownloader()
    $downloader.Updates = $collection
    $download = $downloader.Download()
    $report.Download = [ordered]@{ ResultCode = [int]$download.ResultCode; HResult = [int]$download.HResult }

    $installable = New-Object -ComObject Microsoft.Update.UpdateColl
    $position = @{}
    for ($i = 0; $i -lt $collection.Count; $i++) {
        $u = $collection.Item($i)
        if ($u.IsDownloaded) { $position[$i] = $installable.Add($u) }
    }
    $installer = $ctx.Session.CreateUpdateInstaller()
    $report.RebootRequiredBeforeInstallation = [bool]$installer.RebootRequiredBeforeInstallation
    $install = $null
    if ($installable.Count -gt 0) {
        $installer.AllowSourcePrompts = $false
        $installer.ForceQuiet = $true
        $installer.Updates = $installable
        $install = $installer.Install()
        $report.Install = [ordered]@{ ResultCode = [int]$install.ResultCode; HResult = [int]$install.HResult; RebootRequired = [bool]$install.RebootRequired }
    }

    $records = New-Object System.Collections.Generic.List[object]
    for ($i = 0; $i -lt $collection.Count; $i++) {
        $u = $collection.Item($i)
        $d = $download.GetUpdateResult($i)
        $record = [ordered]@{
            Title              = [string]$u.Title
            Identity           = [ordered]@{ UpdateID = [string]$u.Identity.UpdateID; RevisionNumber = [int]$u.Identity.RevisionNumber }
            KBArticleIDs       = (Get-Strings $u.KBArticleIDs)
            DownloadResultCode = [int]$d.ResultCode
            DownloadHResult    = [int]$d.HResult
            ResultCode         = 0
            HResult            = 0
            RebootRequired     = $false
        }
        if ($null -ne $install -and $position.ContainsKey($i)) {
            $r = $install.GetUpdateResult($position[$i])
            $record.ResultCode = [int]$r.ResultCode
            $record.HResult = [int]$r.HResult
            $record.RebootRequired = [bool]$r.RebootRequired
        }
        $records.Add($record)
    }
    $report.Updates = $records.ToArray()
    Write-Json $report
}

function Invoke-InstalledUpdates {
    $ctx = New-Searcher $false
    $result = $ctx.Searcher.Search($InstalledCriteria)
    $updates = New-Object System.Collections.Generic.List[object]
    foreach ($u in $result.Updates) {
        $updates.Add([ordered]@{
                Title           = [string]$u.Title
                Identity        = [ordered]@{ UpdateID = [string]$u.Identity.UpdateID; RevisionNumber = [int]$u.Identity.RevisionNumber }
                KBArticleIDs    = (Get-Strings $u.KBArticleIDs)
                IsUninstallable = [bool]$u.IsUninstallable
            })
    }
    Write-Json ([ordered]@{ Action = 'InstalledUpdates'; ResultCode = [int]$result.ResultCode; Updates = $updates.ToArray() })
}

function Get-IntValue($Key, [string]$Name) {
    $value = $Key.GetValue($Name)
    $number = 0
    if ($null -ne $value -and [int]::TryParse([string]$value, [ref]$number)) { return $number }
    return 0
}

function Read-UninstallKeys($BaseKey, [string]$Hive, [string]$View, [string]$Sid, [string]$Path, $Into) {
    $root = $BaseKey.OpenSubKey($Path)
    if ($null -eq $root) { return }
    try {
        foreach ($name in $root.GetSubKeyNames()) {
            $key = $root.OpenSubKey($name)
            if ($null -eq $key) { continue }
            try {
                $Into.Add([ordered]@{
                        Hive             = $Hive
                        View             = $View
                        Sid              = $Sid
                        KeyName          = [string]$name
                        DisplayName      = [string]$key.GetValue('DisplayName')
                        DisplayVersion   = [string]$key.GetValue('DisplayVersion')
                        Publisher        = [string]$key.GetValue('Publisher')
                        InstallDate      = [string]$key.GetValue('InstallDate')
                        SystemComponent  = (Get-IntValue $key 'SystemComponent')
                        WindowsInstaller = (Get-IntValue $key 'WindowsInstaller')
                        ParentKeyName    = [string]$key.GetValue('ParentKeyName')
                        ReleaseType      = [string]$key.GetValue('ReleaseType')
                    })
            } finally {
                $key.Close()
            }
        }
    } finally {
        $root.Close()
    }
}

function Invoke-Installed {
    $uninstall = 'SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'
    $programs = New-Object System.Collections.Generic.List[object]
    $hklm = [Microsoft.Win32.RegistryHive]::LocalMachine
    $native = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hklm, [Microsoft.Win32.RegistryView]::Registry64)
    Read-UninstallKeys $native 'HKLM' '64' '' $uninstall $programs
    if ([Environment]::Is64BitOperatingSystem) {
        $wow = [Microsoft.Win32.RegistryKey]::OpenBaseKey($hklm, [Microsoft.Win32.RegistryView]::Registry32)
        Read-UninstallKeys $wow 'HKLM' '32' '' $uninstall $programs
    }
    Read-UninstallKeys ([Microsoft.Win32.Registry]::CurrentUser) 'HKCU' 'user' '' $uninstall $programs
    # A service runs as SYSTEM: HKCU is SYSTEM's own hive, so read every loaded user hive too.
    $users = [Microsoft.Win32.Registry]::Users
    foreach ($sid in $users.GetSubKeyNames()) {
        if ($sid -match '^S-1-5-21-[0-9-]+$') { Read-UninstallKeys $users 'HKU' 'user' $sid ($sid + '\' + $uninstall) $programs }
    }
    $hotfixes = New-Object System.Collections.Generic.List[object]
    foreach ($q in @(Get-CimInstance -ClassName Win32_QuickFixEngineering)) {
        $hotfixes.Add([ordered]@{ HotFixID = [string]$q.HotFixID; Description = [string]$q.Description; InstalledOn = [string]$q.InstalledOn })
    }
    Write-Json ([ordered]@{ Action = 'Installed'; Programs = $programs.ToArray(); HotFixes = $hotfixes.ToArray() })
}

function Test-RegistryKey([string]$Path) {
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey([Microsoft.Win32.RegistryHive]::LocalMachine, [Microsoft.Win32.RegistryView]::Registry64)
    $key = $base.OpenSubKey($Path)
    if ($null -eq $key) { return $false }
    $key.Close()
    return $true
}

function Invoke-Reboot {
    $system = New-Object -ComObject Microsoft.Update.SystemInfo
    Write-Json ([ordered]@{
            Action                               = 'Reboot'
            SystemInfoRebootRequired             = [bool]$system.RebootRequired
            ComponentBasedServicingRebootPending = (Test-RegistryKey 'SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending')
            WindowsUpdateRebootRequired          = (Test-RegistryKey 'SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired')
        })
}

try {
    switch ($Action) {
        'Version' { Invoke-Version }
        'Search' { Invoke-Search }
        'Install' { Invoke-Install }
        'InstalledUpdates' { Invoke-InstalledUpdates }
        'Installed' { Invoke-Installed }
        'Reboot' { Invoke-Reboot }
    }
    exit 0
} catch {
    $e = $_.Exception
    Write-Json ([ordered]@{ Action = $Action; Error = [ordered]@{ Message = [string]$e.Message; HResult = [int]$e.HResult; Type = $e.GetType().FullName } })
    exit 1
}
