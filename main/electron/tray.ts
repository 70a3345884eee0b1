/**
 * The tray icon: start or stop a call, show the overlay, open review, quit.
 */
import { Menu, nativeImage, Tray } from 'electron';

/** A 16x16 round icon, so the tray works without files on disk. */
const TRAY_ICON_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAMklEQVR4nGNgoDaw2PvjPz5MkWa8hhCrGashpGrGMGTUgGFhAMUJiSpJmVhD8GomBwAAN/T2oLsU80gAAAAASUVORK5CYII=';

export interface TrayActions {
  startCall: () => void;
  stopCall: () => void;
  toggleOverlay: () => void;
  openReview: () => void;
  quit: () => void;
}

export interface AppTray {
  /** Updates the menu for whether a call is running. */
  setCallRunning(running: boolean): void;
  dispose(): void;
}

export function createAppTray(actions: TrayActions): AppTray {
  const tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON_PNG));
  tray.setToolTip('Cuecard');
  const render = (running: boolean) => {
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { id: 'start', label: 'Start call', enabled: !running, click: actions.startCall },
        { id: 'stop', label: 'Stop call', enabled: running, click: actions.stopCall },
        { type: 'separator' },
        { id: 'overlay', label: 'Show/hide overlay', click: actions.toggleOverlay },
        { id: 'review', label: 'Review calls…', click: actions.openReview },
        { type: 'separator' },
        { id: 'quit', label: 'Quit Cuecard', click: actions.quit },
      ]),
    );
  };
  render(false);
  return { setCallRunning: render, dispose: () => tray.destroy() };
}
