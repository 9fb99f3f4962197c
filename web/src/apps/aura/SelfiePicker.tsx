import { useCallback, useEffect, useRef, useState } from 'react';
import { Button, FileButton, Group, Stack, Text } from '@mantine/core';
import './selfie.css';

/**
 * The camera, when the browser offers one here (getUserMedia needs HTTPS or localhost): a live
 * preview and a shutter that hands back a JPEG. Without it the picker falls back to a file.
 */
function Camera({ onShot, onUnavailable, shutterLabel }: { onShot: (file: File) => void; onUnavailable: (why: string) => void; shutterLabel: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 } }, audio: false })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        if (video.current) {
          video.current.srcObject = s;
          void video.current.play().then(() => setReady(true));
        }
      })
      .catch(() => onUnavailable('The camera could not be opened (allow it in your browser, or choose a photo instead).'));
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onUnavailable]);
  const shoot = () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')?.drawImage(v, 0, 0);
    canvas.toBlob((blob) => blob && onShot(new File([blob], 'selfie.jpg', { type: 'image/jpeg' })), 'image/jpeg', 0.92);
  };
  return (
    <Stack gap="xs" align="flex-start">
      <video ref={video} className="aura-selfie__video" playsInline muted aria-label="Camera preview" />
      <Button size="lg" color="dark" onClick={shoot} disabled={!ready}>{shutterLabel}</Button>
    </Stack>
  );
}

/**
 * A selfie from the camera or, anywhere, from a chosen file (`capture="user"` opens the front
 * camera on phones). The picture goes to `onSelfie`; nothing is kept here.
 */
export function SelfiePicker({ onSelfie, disabled, color = 'dark', shutterLabel = 'Take the selfie', fileLabel = 'Choose a selfie' }: {
  onSelfie: (file: File) => void;
  disabled?: boolean;
  color?: string;
  shutterLabel?: string;
  fileLabel?: string;
}) {
  const [camera, setCamera] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const canUseCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia && window.isSecureContext;
  const failed = useCallback((why: string) => {
    setCamera(false);
    setProblem(why);
  }, []);
  return (
    <Stack gap="sm" align="flex-start">
      {camera ? (
        <Camera
          shutterLabel={shutterLabel}
          onUnavailable={failed}
          onShot={(file) => {
            setCamera(false);
            onSelfie(file);
          }}
        />
      ) : null}
      <Group>
        {canUseCamera && !camera ? (
          <Button size="lg" color={color} disabled={disabled} onClick={() => { setProblem(null); setCamera(true); }}>Use the camera</Button>
        ) : null}
        <FileButton onChange={(file) => file && onSelfie(file)} accept="image/jpeg,image/png,image/webp" capture="user" disabled={disabled}>
          {(props) => <Button size="lg" variant={canUseCamera ? 'outline' : 'filled'} color={color} {...props}>{fileLabel}</Button>}
        </FileButton>
      </Group>
      {problem ? <Text size="sm">{problem}</Text> : null}
    </Stack>
  );
}
