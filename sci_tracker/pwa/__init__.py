"""The app on a phone's home screen: its manifest, service worker and offline page."""
