#Requires -RunAsAdministrator
<#
  The Office Portal's application pool, site and backup task on IIS, in one go. Run it
  in an elevated PowerShell on the server, from the portal folder:

    powershell -ExecutionPolicy Bypass -File C:\OfficePortal\deploy\iis\setup-iis.ps1

  Each step is an appcmd (or schtasks) command, so it can also be typed by hand; the
  order and the reasons are in docs\deploy-iis.md. Safe to run again: it sets, it does
  not add twice.
#>
param(
  [string]$Root = "C:\OfficePortal",
  [string]$Pool = "OfficePortal",
  [string]$Site = "OfficePortal",
  [int]$Port = 80,
  # The pool is recycled once a day at this quiet time, not every 29 hours.
  [string]$RecycleAt = "03:30:00"
)
$ErrorActionPreference = "Stop"
$appcmd = Join-Path $env:windir "system32\inetsrv\appcmd.exe"

function Run($exe, [string[]]$arguments) {
  Write-Host "> $exe $($arguments -join ' ')"
  & $exe @arguments
  if ($LASTEXITCODE -ne 0) { throw "failed ($LASTEXITCODE): $exe $($arguments -join ' ')" }
}

# 1. Application Initialization: IIS sends a warm-up request after every start and
#    recycle, so the portal process (and its scheduler) starts without a visitor.
if (Get-Command Install-WindowsFeature -ErrorAction SilentlyContinue) {
  Install-WindowsFeature Web-AppInit | Out-Null                       # Windows Server
} else {
  Enable-WindowsOptionalFeature -Online -NoRestart -FeatureName IIS-ApplicationInit | Out-Null
}

# 2. The pool: no .NET, always running, never idle, no overlapping recycle, one process,
#    recycled at a fixed quiet time instead of every 29 hours.
& $appcmd list apppool /name:$Pool | Out-Null
if ($LASTEXITCODE -ne 0) { Run $appcmd @("add", "apppool", "/name:$Pool") }
Run $appcmd @("set", "apppool", $Pool,
  "/managedRuntimeVersion:",
  "/startMode:AlwaysRunning",
  "/processModel.idleTimeout:00:00:00",
  "/processModel.maxProcesses:1",
  "/recycling.disallowOverlappingRotation:true",
  "/recycling.periodicRestart.time:00:00:00")
Run $appcmd @("clear", "config", "-section:system.applicationHost/applicationPools",
  "/[name='$Pool'].recycling.periodicRestart.schedule")
Run $appcmd @("set", "config", "-section:system.applicationHost/applicationPools",
  "/+[name='$Pool'].recycling.periodicRestart.schedule.[value='$RecycleAt']",
  "/commit:apphost")

# 3. The site: the folder holding web.config, in that pool, preloaded (with step 1, the
#    warm-up request of web.config's applicationInitialization starts the portal).
& $appcmd list site /name:$Site | Out-Null
if ($LASTEXITCODE -ne 0) {
  Run $appcmd @("add", "site", "/name:$Site", "/physicalPath:$Root\deploy\iis",
    "/bindings:http/*:${Port}:")
}
Run $appcmd @("set", "site", $Site,
  "/applicationDefaults.applicationPool:$Pool",
  "/applicationDefaults.preloadEnabled:true")

# 4. Rights: the pool may change the instance and the logs, and read the rest.
New-Item -ItemType Directory -Force -Path "$Root\logs" | Out-Null
Run icacls @("$Root\instance", "/grant", "IIS AppPool\${Pool}:(OI)(CI)M")
Run icacls @("$Root\logs", "/grant", "IIS AppPool\${Pool}:(OI)(CI)M")
Run icacls @($Root, "/grant", "IIS AppPool\${Pool}:(OI)(CI)RX")

# 5. The safety net: Task Scheduler runs `backup run --if-due` every 15 minutes.
Run schtasks @("/Create", "/TN", "Office Portal backup if due",
  "/XML", "$Root\deploy\iis\backup-task.xml", "/F")

Write-Host "Done. Check: docs\deploy-iis.md, section 'See that it works'."
